"""Page-number pagination: ``?page=N&page_size=M``, at most :data:`MAX_PAGE_SIZE` rows a page."""

from __future__ import annotations

from rest_framework.pagination import PageNumberPagination

MAX_PAGE_SIZE = 1000


class Pagination(PageNumberPagination):
    page_size_query_param = "page_size"
    max_page_size = MAX_PAGE_SIZE
