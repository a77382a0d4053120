"""Three-way merge of prompt texts and prompt configs: pure Python, no Qt, no I/O."""

from prompt_studio.merge.config import (
    NOT_SET,
    Choice,
    ConfigMergeResult,
    FieldChange,
    FieldConflict,
    Resolution,
    merge_config,
    resolve,
)
from prompt_studio.merge.text import HunkChoice, TextConflict, TextMergeResult, merge_text

__all__ = [
    "NOT_SET",
    "Choice",
    "ConfigMergeResult",
    "FieldChange",
    "FieldConflict",
    "HunkChoice",
    "Resolution",
    "TextConflict",
    "TextMergeResult",
    "merge_config",
    "merge_text",
    "resolve",
]
