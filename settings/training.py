"""What the pages that train networks share: the one mapping from their controls to a TrainConfig."""
from dataclasses import fields

from symbreak_core import INIT_SCHEMES, TrainConfig
from symbreak_core.init import SYMMETRIC

RANDOM_INITS = tuple(s for s in INIT_SCHEMES if s not in SYMMETRIC)  # the schemes a spread scales
_FIELDS = frozenset(f.name for f in fields(TrainConfig))


def train_config(values: dict, **fixed) -> TrainConfig:
    """The TrainConfig a page's controls describe: each control named after a TrainConfig field sets it, width and
    depth set `hidden`, and `fixed` sets what the page decides itself. Controls that are no TrainConfig field
    (the Playground's speed, the number of restarts...) are the page's own; every other field keeps its default."""
    given = {k: v for k, v in values.items() if k in _FIELDS}
    if "width" in values:
        given["hidden"] = (values["width"],) * values["depth"]
    return TrainConfig(**given | fixed)
