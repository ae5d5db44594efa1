"""``together fine-tuning create``: the operation's own options, plus

- typed shorthands: ``--lora`` / ``--full`` with ``--lora-r`` and the other LoRA settings
  (turned into ``training_type`` by the library's own ``lora=`` code), ``--dpo`` with
  ``--dpo-beta``; ``--training-method dpo`` and ``--training-type lora`` as words;
- a local path given to ``--training-file`` / ``--validation-file`` (a value is a path
  when that file exists here, else a file id) is checked and uploaded first;
- the model's limits and the price estimate shown before the job is created:
  ``--dry-run`` stops there; on a terminal, a question to confirm unless ``-y``;
- after creating: the output model's name and the command to try it.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .errors import UsageError
from .output import as_json, emit, emit_json
from .waiting import create_arguments, waited

if TYPE_CHECKING:
    import argparse

    from .command import Context
    from .parsing import Parser

_LORA_SETTINGS = ("lora_r", "lora_alpha", "lora_dropout", "lora_trainable_modules")


def arguments(parser: Parser) -> None:
    parser.description = (parser.description or "").rpartition("\n\n")[0] + (
        "\n\nThe model's limits and the price estimate are shown first (--dry-run stops\n"
        "there; on a terminal you are asked to confirm unless -y). A --training-file or\n"
        "--validation-file that names a local file is checked and uploaded first."
    )
    for action in parser._actions:
        if action.dest in ("training_file", "validation_file"):
            action.help = f"{action.help} (or a local file, uploaded first)"
    group = parser.add_argument_group("training shorthands (instead of the JSON options)")
    kind = group.add_mutually_exclusive_group()
    kind.add_argument("--lora", dest="lora", action="store_true", default=None, help="LoRA")
    kind.add_argument("--full", dest="lora", action="store_false", help="full fine-tuning")
    group.add_argument("--lora-r", type=int, metavar="N", help="LoRA rank (default: the model's)")
    group.add_argument("--lora-alpha", type=float, metavar="X", help="default: twice the rank")
    group.add_argument("--lora-dropout", type=float, metavar="X", help="default: 0")
    group.add_argument("--lora-trainable-modules", metavar="TEXT", help='default: "all-linear"')
    group.add_argument("--dpo", action="store_true", help="Direct Preference Optimization")
    group.add_argument("--dpo-beta", type=float, metavar="X", help="DPO's beta (implies --dpo)")
    steps = parser.add_argument_group("before creating")
    steps.add_argument(
        "--dry-run",
        action="store_true",
        help="show the limits and price estimate, create nothing (a local training "
        "file is uploaded first: the estimate needs its id)",
    )
    steps.add_argument("-y", "--yes", action="store_true", help="don't ask to confirm")
    steps.add_argument(
        "--no-check", dest="check", action="store_false", help="upload a local file unchecked"
    )
    create_arguments(parser)


def run(ctx: Context, args: argparse.Namespace) -> int:
    client = ctx.client()
    _method_words(args)
    uploaded = []
    for name in ("training_file", "validation_file"):
        value = getattr(args, name, None)
        if isinstance(value, str) and Path(value).expanduser().is_file():
            setattr(args, name, _upload(client, Path(value).expanduser(), args.check))
            uploaded.append(f"--{name.replace('_', '-')} {getattr(args, name)}")
    limits = client.fine_tuning.model_limits(model_name=args.model)
    _training_type(args, limits)
    estimate = client.fine_tuning.estimate_price(
        **{
            k: getattr(args, k)
            for k in (
                "training_file",
                "validation_file",
                "model",
                "n_epochs",
                "n_evals",
                "training_method",
                "training_type",
                "from_checkpoint",
            )
            if getattr(args, k, None) is not None
        }
    )
    limits_json, estimate_json = as_json(limits), as_json(estimate)
    if args.dry_run:
        if ctx.use_json:
            document = {"estimate": estimate_json, "limits": limits_json}
            emit_json({**document, "training_file": args.training_file}, True)
        else:
            _say(_summary(limits_json, estimate_json, args), sys.stdout)
        again = f" (uploaded: next time pass {', '.join(uploaded)})" if uploaded else ""
        sys.stderr.write(f"--dry-run: no job created{again}\n")
        return 0
    _say(_summary(limits_json, estimate_json, args), sys.stderr)
    if estimate_json.get("allowed_to_proceed") is False:
        sys.stderr.write("error: the API says this job exceeds what you may spend\n")
        return 1
    if not args.yes and sys.stdin.isatty() and sys.stderr.isatty():
        sys.stderr.write("create this job? [y/N] ")
        sys.stderr.flush()
        try:
            answer = input()
        except EOFError:  # Ctrl-D: no
            answer = ""
        if answer.strip().lower() not in ("y", "yes"):
            sys.stderr.write("not created\n")
            return 1
    job = ctx.call()
    if args.wait:
        code = waited(ctx, args, "fine_tuning", job)
    else:
        emit(job, ctx.use_json, ctx.jsonl)
        code = 0
    _next_step(as_json(job), waited=args.wait)
    return code


def _method_words(args: argparse.Namespace) -> None:
    """``--dpo`` / ``--dpo-beta`` and ``--training-method dpo`` as the spec's object."""
    method = args.training_method
    if isinstance(method, str):
        method = {"method": method}
    if args.dpo or args.dpo_beta is not None:
        if isinstance(method, dict) and method.get("method") not in (None, "dpo"):
            raise UsageError("fine-tuning create: --dpo and --training-method sft disagree")
        method = {**(method or {}), "method": "dpo"}
        if args.dpo_beta is not None:
            method["dpo_beta"] = args.dpo_beta
    args.training_method = method


def _training_type(args: argparse.Namespace, limits: Any) -> None:
    """``--lora`` / ``--full`` / ``--lora-r`` ... (or ``--training-type lora|full``) into
    ``training_type``, by the library's own code for ``fine_tuning.create(lora=...)``
    (its default rank read from the model's limits, already fetched)."""
    from .._compat import lora_arguments

    lora = args.lora
    if isinstance(args.training_type, str):
        word = args.training_type.lower()
        if word not in ("lora", "full"):
            raise UsageError(
                f"fine-tuning create: --training-type: lora, full or JSON, got {word!r}"
            )
        if lora is not None and lora != (word == "lora"):
            raise UsageError("fine-tuning create: --training-type and --lora/--full disagree")
        lora, args.training_type = word == "lora", None
    params: dict[str, Any] = {k: getattr(args, k) for k in _LORA_SETTINGS}
    params.update(lora=lora, model=args.model, training_type=args.training_type)
    lookup = lora_arguments(params, "fine-tuning create")
    if lookup is not None:
        lookup.finish(limits)
    args.training_type = params.get("training_type")


def _upload(client: Any, path: Path, check: bool) -> str:
    sys.stderr.write(f"uploading {path} (checked first{'' if check else ': no, --no-check'})\n")
    uploaded = client.files.upload(path, purpose="fine-tune", check=check)
    sys.stderr.write(f"uploaded {path.name} as {uploaded.id}\n")
    return str(uploaded.id)


def _money(value: Any) -> str:
    return f"${value:,.2f}" if isinstance(value, (int, float)) else "?"


def _summary(limits: dict[str, Any], estimate: dict[str, Any], args: argparse.Namespace) -> str:
    kind = (args.training_type or {}).get("type", "the API's default")
    method = (args.training_method or {}).get("method", "sft")
    lines = [f"model:     {limits.get('model_name', args.model)} ({kind}, {method})"]
    bounds = [
        f"epochs <= {limits['max_num_epochs']}" if "max_num_epochs" in limits else "",
        f"evals <= {limits['max_num_evals']}" if "max_num_evals" in limits else "",
        f"learning rate {limits['min_learning_rate']}..{limits['max_learning_rate']}"
        if "min_learning_rate" in limits and "max_learning_rate" in limits
        else "",
    ]
    if any(bounds):  # (an API that sent none of them: no line)
        lines.append(f"limits:    {', '.join(b for b in bounds if b)}")
    for name, title in (("lora_training", "LoRA"), ("full_training", "full")):
        part = limits.get(name)
        if isinstance(part, dict):
            rank = f"rank <= {part['max_rank']}, " if "max_rank" in part else ""
            lines.append(
                f"{title + ':':<10} {rank}batch size {part.get('min_batch_size')}"
                f"..{part.get('max_batch_size')}"
            )
    tokens = estimate.get("estimated_train_token_count")
    count = f" for {int(tokens):,} training tokens" if isinstance(tokens, (int, float)) else ""
    lines.append(f"estimate:  {_money(estimate.get('estimated_total_price'))}{count}")
    if estimate.get("user_limit") is not None:
        lines[-1] += f" (your limit: {_money(estimate.get('user_limit'))})"
    return "\n".join(lines)


def _say(text: str, stream: Any) -> None:
    stream.write(text + "\n")
    stream.flush()


def _next_step(job: Any, waited: bool) -> None:
    name = job.get("output_name") if isinstance(job, dict) else None
    if not name:
        return
    follow = "" if waited else f"follow it:    together fine-tuning wait {job.get('id', '')}\n"
    sys.stderr.write(
        f'output model: {name}\n{follow}then try it:  together chat "Hello" -m {name}\n'
    )
