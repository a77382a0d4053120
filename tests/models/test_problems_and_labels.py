"""How validation errors read, and the names of fields: one home, tested here once."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from prompt_studio.models import ConfigData
from prompt_studio.models.labels import READING_ORDER, WIRE_SAMPLING_FIELDS, field_label, location_label
from prompt_studio.models.problems import problems_of, wire_summary

VALID = {"prompt": "Hi", "model": "openai/gpt-5", "outputs": [{"identifier": "output", "type": "str"}]}

RAW_PYDANTIC_PHRASES = ("Input should be", "String should have", "Field required", "valid number",
                        "Value error", "List should have")


def _error(**changes) -> ValidationError:
    with pytest.raises(ValidationError) as caught:
        ConfigData.model_validate({**VALID, **changes})
    return caught.value


@pytest.mark.parametrize(
    ("changes", "sentence"),
    [
        ({"temperature": 3}, "Temperature must be at most 2"),
        ({"temperature": "hot"}, "Temperature needs a number, such as 0.2"),
        ({"top_p": -0.1}, "Top P must be at least 0"),
        ({"max_tokens": 1.5}, "Max tokens needs a whole number, such as 3"),
        ({"repetition_penalty": 0}, "Repetition penalty must be more than 0"),
        ({"model": ""}, "Model cannot be empty"),
        ({"outputs": []}, "Outputs must have at least one"),
        ({"inputs": [{"identifier": "a", "type": "audio"}]}, "Input 1 › Type must be one of str, float, bool"),
        ({"messages": [{"role": "user"}]}, "Message 1 › Text is missing"),
    ],
)
def test_problems_read_as_plain_sentences(changes, sentence):
    problems = problems_of(_error(**changes))
    text = problems[0].about(location_label(problems[0].location))
    assert text.startswith(sentence)
    assert not any(phrase in text for phrase in RAW_PYDANTIC_PHRASES)


def test_our_own_sentences_stand_alone_next_to_the_field():
    inputs = [{"identifier": "a", "type": "str"}, {"identifier": "a", "type": "str"}]
    problem = problems_of(_error(inputs=inputs))[0]
    assert problem.near("Inputs") == "Input 1 and 2 are both named 'a'; each input needs its own name"
    assert problem.about("Inputs").startswith("Inputs: Input 1 and 2")


def test_the_wire_keeps_paths_and_pydantics_words_for_developers():
    error = _error(temperature="hot", messages=[{"role": "user"}])
    assert wire_summary(error, "configData") == (
        "configData.messages[0].content: Field required; "
        "configData.temperature: Input should be a valid number, unable to parse string as a number"
    )
    assert wire_summary(error, limit=1) == "messages[0].content: Field required (and 1 more)"


def test_every_sampling_field_has_a_label_and_a_place():
    assert all(field in READING_ORDER and field_label(field) != field for field in WIRE_SAMPLING_FIELDS)
    assert field_label("brand_new_field") == "Brand new field"
