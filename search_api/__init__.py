"""search_api package."""
