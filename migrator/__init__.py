"""mistral-migrate: move OpenAI API code to Mistral's OpenAI-compatible endpoint."""

__version__ = "0.1.0"
