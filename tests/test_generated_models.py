"""What the project's templates make ``from_dict`` do with the field shapes the spec uses
most: nullable scalars, nullable models and enums (parsed inline, not by a local parser
function), and fields passed to ``__init__`` by position."""

from __future__ import annotations

from typing import Any

import pytest

from together_generated.models import (
    ChatCompletionChunk,
    ChatCompletionChunkChoicesItem,
    ChatCompletionRequest,
    CosineLRSchedulerArgs,
    ExecuteRequest,
    RerankRequest,
    RerankRequestDocumentsType0Item,
    UsageData,
)
from together_generated.models import (
    ChatCompletionChunkChoicesItemChatCompletionChoiceDelta as Delta,
)


class Text(str):
    """A str subclass: still a JSON string."""


def chunk(**choice: Any) -> dict[str, Any]:
    return {
        "id": "c1",
        "object": "chat.completion.chunk",
        "created": 1,
        "model": "m",
        "choices": [{"index": 0, "finish_reason": None, "delta": {"role": "assistant"}, **choice}],
    }


# -- nullable scalars ----------------------------------------------------------------


@pytest.mark.parametrize(("given", "parsed"), [("Hi", "Hi"), (None, None), (Text("Hi"), "Hi")])
def test_a_nullable_string_takes_a_string_or_null(given: Any, parsed: Any) -> None:
    assert Delta.from_dict({"role": "assistant", "content": given}).content == parsed


def test_an_absent_nullable_field_reads_as_none_and_stays_absent() -> None:
    delta = Delta.from_dict({"role": "assistant"})
    assert delta.content is None
    assert delta.to_dict() == {"role": "assistant"}
    assert Delta.from_dict({"role": "assistant", "content": None}).to_dict() == {
        "role": "assistant",
        "content": None,
    }


@pytest.mark.parametrize("given", [5, True, ["Hi"], {"text": "Hi"}])
def test_a_nullable_string_refuses_other_json_types_naming_the_field(given: Any) -> None:
    with pytest.raises(TypeError) as caught:
        Delta.from_dict({"role": "assistant", "content": given})
    assert str(caught.value) == (
        "ChatCompletionChunkChoicesItemChatCompletionChoiceDelta.content: "
        f"expected a string or null, got {type(given).__name__} {given!r}"
    )


def test_a_nullable_number_takes_an_integer_but_not_a_boolean() -> None:
    item = {"index": 0, "finish_reason": None, "delta": {"role": "assistant"}}
    assert ChatCompletionChunkChoicesItem.from_dict({**item, "logprobs": -1}).logprobs == -1
    assert ChatCompletionChunkChoicesItem.from_dict({**item, "logprobs": -0.5}).logprobs == -0.5
    with pytest.raises(TypeError, match=r"\.logprobs: expected a number or null, got bool"):
        ChatCompletionChunkChoicesItem.from_dict({**item, "logprobs": True})
    with pytest.raises(TypeError, match=r"\.seed: expected an integer or null, got float"):
        ChatCompletionChunkChoicesItem.from_dict({**item, "seed": 1.5})


# -- nullable models and enums -------------------------------------------------------


def test_a_nullable_model_parses_an_object_and_keeps_null() -> None:
    usage = {"prompt_tokens": 3, "completion_tokens": 2, "total_tokens": 5}
    parsed = ChatCompletionChunk.from_dict({**chunk(), "usage": usage})
    assert isinstance(parsed.usage, UsageData)
    assert (parsed.usage.prompt_tokens, parsed.usage.total_tokens) == (3, 5)
    assert ChatCompletionChunk.from_dict({**chunk(), "usage": None}).usage is None
    assert ChatCompletionChunk.from_dict(chunk()).usage is None
    assert "usage" not in ChatCompletionChunk.from_dict(chunk()).to_dict()


def test_a_nullable_model_refuses_a_value_that_is_not_an_object() -> None:
    with pytest.raises(TypeError) as caught:
        ChatCompletionChunk.from_dict({**chunk(), "usage": "lots"})
    assert (
        str(caught.value) == "ChatCompletionChunk.usage: expected an object or null, got str 'lots'"
    )


def test_an_error_inside_a_nullable_model_names_the_inner_field() -> None:
    usage = {"prompt_tokens": "3", "completion_tokens": 2, "total_tokens": 5}
    with pytest.raises(TypeError) as caught:
        ChatCompletionChunk.from_dict({**chunk(), "usage": usage})
    message = str(caught.value)
    assert message.startswith(
        "ChatCompletionChunk.usage: UsageData.prompt_tokens: expected an integer"
    )
    partial = {"prompt_tokens": 3, "completion_tokens": 2}
    with pytest.raises(ValueError, match=r"\.usage: .*missing required field 'total_tokens'"):
        ChatCompletionChunk.from_dict({**chunk(), "usage": partial})


def test_a_nullable_enum_takes_its_values_or_null_and_refuses_other_kinds() -> None:
    parsed = ChatCompletionChunk.from_dict(chunk(finish_reason="stop"))
    assert parsed.choices[0].finish_reason == "stop"
    assert ChatCompletionChunk.from_dict(chunk()).choices[0].finish_reason is None
    # a string the spec doesn't list is kept, with a warning (open values)
    with pytest.warns(
        UserWarning, match=r"ChatCompletionChunkChoicesItem\.finish_reason: 'bored-nullable'"
    ):
        parsed = ChatCompletionChunk.from_dict(chunk(finish_reason="bored-nullable"))
    assert parsed.choices[0].finish_reason == "bored-nullable"
    with pytest.raises(TypeError, match=r"\.finish_reason: expected a string or null, got int"):
        ChatCompletionChunk.from_dict(chunk(finish_reason=1))


# -- fields passed by position -------------------------------------------------------


def test_from_dict_puts_each_value_in_its_own_field() -> None:
    delta = Delta.from_dict(
        {"role": "assistant", "token_id": 7, "content": "a", "reasoning": "b", "extra": 1}
    )
    assert (delta.role, delta.token_id, delta.content, delta.reasoning) == (
        "assistant",
        7,
        "a",
        "b",
    )
    assert (delta.tool_calls, delta.function_call) == (None, None)
    assert delta.additional_properties == {"extra": 1}
    request = ExecuteRequest.from_dict(
        {"code": "print(1)", "language": "python", "session_id": "s"}
    )
    assert (request.code, request.language, request.session_id) == ("print(1)", "python", "s")
    assert request.files is None
    assert "files" not in request.to_dict()
    args = CosineLRSchedulerArgs.from_dict({"min_lr_ratio": 0.1, "num_cycles": 2.0})
    assert (args.min_lr_ratio, args.num_cycles) == (0.1, 2.0)


def test_a_chunk_round_trips_through_from_dict_and_to_dict_unchanged() -> None:
    given = {
        **chunk(logprobs=None, seed=None),
        "usage": {"prompt_tokens": 1, "completion_tokens": 1, "total_tokens": 2},
        "system_fingerprint": "fp",
    }
    given["choices"][0]["delta"] = {"role": "assistant", "token_id": 3, "content": "x"}
    assert ChatCompletionChunk.from_dict(given).to_dict() == given


# -- unions of two list types --------------------------------------------------------


def test_a_union_of_two_list_types_serializes_each_by_its_items() -> None:
    texts = RerankRequest(model="m", query="q", documents=["first", "second"])
    assert texts.to_dict()["documents"] == ["first", "second"]
    document = RerankRequestDocumentsType0Item()
    document["title"] = "First"
    objects = RerankRequest(model="m", query="q", documents=[document])
    assert objects.to_dict()["documents"] == [{"title": "First"}]
    parsed = RerankRequest.from_dict({"model": "m", "query": "q", "documents": [{"title": "A"}]})
    assert parsed.to_dict()["documents"] == [{"title": "A"}]
    assert RerankRequest.from_dict(texts.to_dict()).documents == ["first", "second"]


# -- unions of objects told apart by a field, and errors inside lists ----------------


def request(*messages: Any) -> dict[str, Any]:
    return {"model": "m", "messages": list(messages)}


def test_each_message_is_parsed_as_the_model_its_role_names() -> None:
    parsed = ChatCompletionRequest.from_dict(
        request(
            {"role": "system", "content": "Be brief."},
            {"role": "user", "content": "Hi"},
            {"role": "assistant", "content": "Hello"},
            {"role": "tool", "content": "42", "tool_call_id": "call-1"},
        )
    )
    assert [type(m).__name__ for m in parsed.messages] == [
        "ChatCompletionSystemMessageParam",
        "ChatCompletionUserMessageParam",
        "ChatCompletionAssistantMessageParam",
        "ChatCompletionToolMessageParam",
    ]


@pytest.mark.parametrize(
    ("messages", "error", "message"),
    [
        # the mistake is inside the user message, and is reported there
        (
            [{"role": "user", "content": 5}],
            TypeError,
            "ChatCompletionRequest.messages[0]: ChatCompletionUserMessageParam.content: "
            "expected a string or a list, got int 5",
        ),
        (
            [{"role": "system", "content": "x"}, {"role": 5, "content": "x"}],
            TypeError,
            "ChatCompletionRequest.messages[1]: role: expected one of 'system', 'user', "
            "'assistant', 'tool', 'function'; got 5",
        ),
        (
            [{"content": "x"}],
            ValueError,
            "ChatCompletionRequest.messages[0]: missing required field 'role'",
        ),
        (
            ["Hi"],
            TypeError,
            "ChatCompletionRequest.messages[0]: expected an object, got str 'Hi'",
        ),
        # a list of content parts: the part at fault, by index and by its own field
        (
            [{"role": "user", "content": [{"type": "text", "text": "a"}, {"type": "image_url"}]}],
            ValueError,
            "ChatCompletionRequest.messages[0]: ChatCompletionUserMessageParam.content[1]: "
            "ChatCompletionUserMessageContentMultimodalItemType1.image_url: "
            "missing required field 'image_url'",
        ),
        (
            [{"role": "user", "content": [{"type": ["picture"]}]}],
            TypeError,
            "ChatCompletionRequest.messages[0]: ChatCompletionUserMessageParam.content[0]: "
            "type: expected one of 'text', 'image_url', 'video_url', 'audio_url', "
            "'input_audio'; got ['picture']",
        ),
    ],
)
def test_a_bad_message_is_reported_where_the_mistake_is(
    messages: list[Any], error: type[Exception], message: str
) -> None:
    with pytest.raises(error) as caught:
        ChatCompletionRequest.from_dict(request(*messages))
    assert str(caught.value) == message


# -- from_response: how a response is read (lenient), against from_dict (strict) ----------


def test_from_response_keeps_what_from_dict_refuses() -> None:
    body = chunk(finish_reason="a_new_reason", delta={"tool_calls": None, "token_id": None})
    del body["model"]
    with pytest.raises((TypeError, ValueError, KeyError)):
        ChatCompletionChunk.from_dict(body)
    parsed = ChatCompletionChunk.from_response(body)
    assert parsed.model is None  # a missing required field reads as None
    assert parsed.choices[0].finish_reason == "a_new_reason"
    assert parsed.choices[0].delta.role is None
    assert parsed.choices[0].delta.tool_calls is None
    assert parsed.choices[0].delta.content is None  # absent optional: None
    assert "content" not in parsed.choices[0].delta.to_dict()  # and still absent


def test_from_response_refuses_only_what_is_not_an_object() -> None:
    for wrong in ([chunk()], "chunk", 5, None):
        with pytest.raises(TypeError, match="expected a JSON object"):
            ChatCompletionChunk.from_response(wrong)  # type: ignore[arg-type]


def test_a_value_kept_as_received_is_written_back_by_to_dict() -> None:
    body = chunk(delta="not an object", extra={"kept": [1, 2]})
    body["choices"].append("not a choice either")
    parsed = ChatCompletionChunk.from_response(body)
    assert parsed.choices[0].delta == "not an object"
    assert parsed.choices[1] == "not a choice either"
    assert parsed.to_dict() == body


def test_a_date_time_is_parsed_where_it_can_be_and_kept_where_it_cannot() -> None:
    from together_generated.models import BatchJob

    good = BatchJob.from_response({"id": "b", "created_at": "2025-06-11T06:11:22Z"})
    assert good.created_at.year == 2025
    bad = BatchJob.from_response({"id": "b", "created_at": "yesterday"})
    assert bad.created_at == "yesterday"
    assert bad.to_dict() == {"id": "b", "created_at": "yesterday"}


def test_a_union_item_without_its_tag_is_read_as_the_branch_that_knows_its_fields() -> None:
    from together_generated.models import ImageResponse

    body = {"id": "i", "model": "m", "object": "list", "data": [{"index": 0, "url": "u"}]}
    item = ImageResponse.from_response(body).data[0]
    assert type(item).__name__ == "ImageResponseDataUrl"
    assert item.url == "u"
    b64 = ImageResponse.from_response({**body, "data": [{"index": 0, "b64_json": "QQ=="}]})
    assert type(b64.data[0]).__name__ == "ImageResponseDataB64"


def test_a_union_item_whose_tag_names_an_unknown_kind_is_kept_as_received() -> None:
    from together_generated.models import ImageResponse

    body = {"id": "i", "model": "m", "object": "list", "data": [{"type": "svg", "svg": "<svg/>"}]}
    assert ImageResponse.from_response(body).data[0] == {"type": "svg", "svg": "<svg/>"}


def test_a_body_read_as_a_response_equals_the_same_body_read_strictly() -> None:
    # from_response leaves absent optional fields and additional_properties to be worked
    # out on first use; comparing, printing and to_dict see the same model all the same.
    body = {**chunk(logprobs=None), "system_fingerprint": "fp", "extra": 1}
    lenient, strict = ChatCompletionChunk.from_response(body), ChatCompletionChunk.from_dict(body)
    assert lenient == strict
    assert repr(lenient) == repr(strict)
    assert lenient.to_dict() == strict.to_dict() == body
    assert lenient.choices[0].seed is None  # absent from the body
