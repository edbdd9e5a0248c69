"""The API's settings, read once from the environment (``POLICYKG_*``).

This is the only module that reads environment variables; everything below
``api/`` takes plain arguments. ``policykg serve`` builds a :class:`Settings`
from its flags (which fall back to these variables) and hands it to
:func:`api.app.create_app`.
"""

from __future__ import annotations

import secrets
from pathlib import Path
from typing import Annotated, Literal

from pydantic import Field, field_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

API_KEY_FILE = "api_key"
"""Name of the file in the data directory that may hold the write API key."""


class Settings(BaseSettings):
    """Everything the HTTP service needs to know, with safe defaults."""

    model_config = SettingsConfigDict(env_prefix="POLICYKG_", extra="ignore", populate_by_name=True)

    data: Path = Field(Path(".policykg"), description="Data directory holding the ingested store.")
    corpus: Path = Field(Path("corpus"), description="Corpus the store was ingested from (the base for writes).")
    backend: Literal["networkx", "neo4j"] = Field("networkx", description="Graph backend.")
    neo4j_uri: str | None = Field(None, validation_alias="NEO4J_URI")
    neo4j_user: str | None = Field(None, validation_alias="NEO4J_USER")
    neo4j_password: str | None = Field(None, validation_alias="NEO4J_PASSWORD")
    api_key: str | None = Field(None, description="Key for the write endpoints (else the file DATA/api_key).")
    cors_origins: Annotated[list[str], NoDecode] = Field(
        default_factory=list, description="Origins allowed by CORS (empty: same origin only)."
    )
    max_upload_bytes: int = Field(2_000_000, ge=1, description="Largest accepted document upload.")

    @field_validator("cors_origins", mode="before")
    @classmethod
    def _split_origins(cls, value: object) -> object:
        """Accept ``a,b`` as well as a JSON list in the environment."""
        if isinstance(value, str) and not value.strip().startswith("["):
            return [v.strip() for v in value.split(",") if v.strip()]
        return value

    def write_key(self) -> str | None:
        """The API key guarding writes: the setting, else DATA/api_key, else none (writes off)."""
        if self.api_key:
            return self.api_key
        path = self.data / API_KEY_FILE
        if path.is_file():
            key = path.read_text("utf-8").strip()
            return key or None
        return None

    def neo4j_connection(self) -> dict[str, str | None]:
        return {"uri": self.neo4j_uri, "user": self.neo4j_user, "password": self.neo4j_password}


def key_matches(given: str | None, expected: str | None) -> bool:
    """Constant-time comparison; no configured key means no write is allowed."""
    if not given or not expected:
        return False
    return secrets.compare_digest(given.encode("utf-8"), expected.encode("utf-8"))
