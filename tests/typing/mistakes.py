"""Mistakes each type checker must flag: every line marked with an error comment must get one
(tests/test_typing.py checks that mypy and pyright both flag each one, and nothing else)."""

from __future__ import annotations

from together import AsyncTogether, Together

client = Together(api_key="k")
aclient = AsyncTogether(api_key="k")

client.chat.completions.create(model="m", messages=[], max_token=5)  # error: misspelled
client.chat.completions.create(model="m", messages=[], temperature="hot")  # error: type
client.chat.completions.create(messages=[{"role": "user", "content": "hi"}])  # error: no model
client.batches.retrieve(5)  # error: an id is a string
client.chat.completions.craete(model="m", messages=[])  # error: no such method


async def plain_for_over_an_async_stream() -> None:
    stream = await aclient.chat.completions.create(model="m", messages=[], stream=True)
    for chunk in stream:  # error: an async stream needs async for
        print(chunk)


def a_result_used_as_a_stream() -> None:
    response = client.chat.completions.create(model="m", messages=[])
    for chunk in response:  # error: not a stream
        print(chunk)


def an_optional_field_used_without_a_check() -> None:
    response = client.chat.completions.create(model="m", messages=[])
    print(response.usage.total_tokens)  # error: usage is None when the answer has none


def a_misspelled_argument_of_a_chat_helper() -> None:
    chat = client.chat.completions
    chat.parse(model="m", messages=[], response_format={}, max_token=5)  # error: misspelled
    chat.run_tools(model="m", messages=[], tools=[], temprature=0.5)  # error: misspelled


def a_chat_helper_given_create_arguments_and_options() -> None:
    chat = client.chat.completions
    chat.parse(model="m", messages=[], response_format={}, max_tokens=5, timeout=3)
