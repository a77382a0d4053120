"""Rendering prompts as the model receives them: Liquid as the official LangWatch SDK renders it, Orkes's `${name}`.

Pure: no Qt, no HTTP. `preview_messages` is for a preview updated per keystroke (never raises, reports what had no
value at its place); `render_messages` / `render_prompt` are the SDK's `compile` and `compile_strict`.
"""

from prompt_studio.rendering.messages import (
    image_marker,
    preview_messages,
    preview_prompt,
    render_messages,
    render_prompt,
    templates_of_config,
    templates_of_prompt,
    what_the_model_receives,
    with_images,
)
from prompt_studio.rendering.results import (
    MessageTemplate,
    MissingVariable,
    MissingVariableError,
    RenderedMessage,
    RenderError,
    Rendering,
    Span,
    Syntax,
    TemplateError,
    TemplateProblem,
)

__all__ = [
    "MessageTemplate",
    "MissingVariable",
    "MissingVariableError",
    "RenderError",
    "RenderedMessage",
    "Rendering",
    "Span",
    "Syntax",
    "TemplateError",
    "TemplateProblem",
    "image_marker",
    "preview_messages",
    "preview_prompt",
    "render_messages",
    "render_prompt",
    "templates_of_config",
    "templates_of_prompt",
    "what_the_model_receives",
    "with_images",
]
