"""The evaluation domain's registration (see :mod:`qingshan.core.registry`)."""

from qingshan.core.registry import Domain

DOMAIN = Domain(
    name="evaluation",
    title="Evaluation system (美丽中国 / 美丽山东 frameworks, composite indices, submissions)",
    depends=("accounts", "air", "water"),
    cli=(("evaluate", "qingshan.evaluation.cli:app"),),
    api="qingshan.evaluation.api:router",
    pages="qingshan.evaluation.pages:router",
    ops_migrations="qingshan.evaluation.ops_migrations",
    parts={"nav": "/evaluation", "section": "qingshan.evaluation.report:section"},
)
