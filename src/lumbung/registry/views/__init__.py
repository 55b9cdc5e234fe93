"""The officers' workspace (/workspace/, namespace ``workspace``): lists, records, upload jobs,
data quality and exports of the user's regions."""
