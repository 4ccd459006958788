"""Settings of the resume service (env `RESUME_X`, falling back to `JOBTRAIL_X`)."""

from typing import Literal

from pydantic import SecretStr
from pydantic_settings import SettingsConfigDict

from jobtrail.resume.adapters.ocr import OcrLimits
from jobtrail.runtime import ServiceSettings


class ResumeSettings(ServiceSettings):
    """Where the resume service listens, what it reads, and how much it accepts.

    The LLM pass (`llm.py`) is off unless both `RESUME_LLM_BASE_URL` and `RESUME_LLM_MODEL`
    are set: any OpenAI-compatible server (OpenAI `https://api.openai.com/v1`, Ollama
    `http://localhost:11434/v1`, LM Studio, vLLM). `RESUME_LLM_STRUCTURED` says how the
    answer is constrained: `json_schema`, `json_object` (JSON mode), `none` (prompt only),
    or `auto` (each in turn while the server answers 400).
    """

    model_config = SettingsConfigDict(env_prefix="RESUME_", extra="ignore", frozen=True)

    http_port: int = 8101
    max_file_bytes: int = 10 * 1024 * 1024
    # OCR of scans and images (`ocr.py`): time per page and per document, pages, resolution.
    ocr_page_seconds: float = OcrLimits.page_seconds
    ocr_document_seconds: float = OcrLimits.document_seconds
    ocr_max_pages: int = OcrLimits.max_pages
    ocr_dpi: int = OcrLimits.dpi
    ocr_threads: int = OcrLimits.threads
    llm_base_url: str | None = None
    llm_model: str | None = None
    llm_api_key: SecretStr = SecretStr("")
    llm_structured: Literal["json_schema", "json_object", "none", "auto"] = "auto"
    # The whole pass (a repair request included); then the local parse is kept.
    llm_timeout_seconds: float = 40.0

    def ocr_limits(self) -> OcrLimits:
        return OcrLimits(
            page_seconds=self.ocr_page_seconds, document_seconds=self.ocr_document_seconds,
            max_pages=self.ocr_max_pages, dpi=self.ocr_dpi, threads=self.ocr_threads,
        )  # fmt: skip
