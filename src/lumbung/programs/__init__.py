"""Empowerment programs (credit, training, equipment, partnership, ...) and the enterprises
enrolled in them: the catalogue, eligibility written as data, and enrolment records that
:mod:`lumbung.evaluation` compares against matched non-participants."""
