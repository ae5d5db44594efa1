"""User code of the README's chat helpers: must pass mypy --strict and pyright, with the
types asserted where the helpers promise them."""

from __future__ import annotations

import asyncio
import dataclasses

from pydantic import BaseModel
from typing_extensions import assert_type

import together
from together import AsyncTogether, Together

client = Together(api_key="k")
aclient = AsyncTogether(api_key="k")
messages = [{"role": "user", "content": "Name a city"}]


class City(BaseModel):
    name: str
    population: int


@dataclasses.dataclass
class Point:
    x: float
    y: float


completion = client.chat.completions.parse(model="m", messages=messages, response_format=City)
assert_type(completion, together.ParsedChatCompletion[City])
city = completion.choices[0].message
if city is not None:
    assert_type(city.parsed, City | None)
    if city.parsed is not None:
        print(city.parsed.population + 1)

point = client.chat.completions.parse(model="m", messages=messages, response_format=Point)
first = point.choices[0].message
if first is not None and first.parsed is not None:
    assert_type(first.parsed, Point)
    print(first.parsed.x)

with client.chat.completions.stream(model="m", messages=messages) as stream:
    for event in stream:
        if event.type == "content.delta":
            print(event.delta, event.snapshot)
        elif event.type == "tool_calls.function.arguments.done":
            print(event.name, event.arguments)
    final = stream.get_final_completion()
    print(final.choices[0].finish_reason)

with client.chat.completions.stream(model="m", messages=messages, response_format=City) as s:
    for text in s.text_stream:
        print(text)
    assert_type(s.get_final_completion(), together.ParsedChatCompletion[City])

accumulator = together.ChatCompletionAccumulator()
for chunk in client.chat.completions.create(model="m", messages=messages, stream=True):
    accumulator.add(chunk)
print(accumulator.completion.choices)


def get_weather(city: str, days: int = 1) -> str:
    """The forecast of a city."""
    return f"{city}: sunny for {days} days"


tool = together.function_tool(get_weather)
assert_type(tool, together.FunctionTool[str])
result = client.chat.completions.run_tools(
    model="m", messages=messages, tools=[get_weather, tool], max_rounds=3, temperature=0.2
)
assert_type(result, together.ToolRunResult)
print(result.completion.choices, result.messages)

with client.chat.completions.run_tools_stream(model="m", messages=messages, tools=[tool]) as run:
    for step in run:
        if step.type == "content.delta":
            print(step.delta)
    assert_type(run.get_final_result(), together.ToolRunResult)


async def main() -> None:
    parsed = await aclient.chat.completions.parse(
        model="m", messages=messages, response_format=City
    )
    assert_type(parsed, together.ParsedChatCompletion[City])

    async def fetch(city: str) -> str:
        return city

    ran = await aclient.chat.completions.run_tools(model="m", messages=messages, tools=[fetch])
    print(ran.completion.id)
    async with aclient.chat.completions.stream(model="m", messages=messages) as events:
        async for event in events:
            print(event.type)
        print((await events.get_final_completion()).id)
    async with aclient.chat.completions.run_tools_stream(
        model="m", messages=messages, tools=[fetch]
    ) as streamed:
        async for step in streamed:
            print(step.type)
        print((await streamed.get_final_result()).messages)
    try:
        await aclient.chat.completions.run_tools(model="m", messages=messages, tools=[fetch])
    except together.ToolRunError as error:
        print(error.completion, error.messages)


asyncio.run(main())
