"""Request dependencies: the search service opened in the app's lifespan."""

from fastapi import Request

from search import SearchService


def get_service(request: Request) -> SearchService:
    return request.app.state.service
