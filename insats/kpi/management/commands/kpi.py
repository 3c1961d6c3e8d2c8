"""`insats kpi CODE --from YYYY-MM-DD --to YYYY-MM-DD [--by DIMENSION] [--json]`.

With `--json` one JSON object in the interchange README's machine format; without it a readable
Swedish table with the indicator's definition.
"""

import json

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from insats.kpi import definitions, services
from insats.kpi.definitions import Kind


class Command(BaseCommand):
    help = "Beräknar en indikator för en period, eventuellt uppdelad på grupper."

    def add_arguments(self, parser):
        parser.add_argument("code", metavar="KOD", help=", ".join(definitions.INDICATORS))
        parser.add_argument("--from", dest="date_from", required=True, metavar="ÅÅÅÅ-MM-DD")
        parser.add_argument("--to", dest="date_to", required=True, metavar="ÅÅÅÅ-MM-DD")
        parser.add_argument(
            "--by", dest="by", metavar="DIMENSION", help=", ".join(definitions.ALL_DIMENSIONS)
        )
        parser.add_argument("--json", action="store_true", help="Skriv ut JSON (maskinläsbart).")

    def handle(self, *args, **opts):
        try:
            date_from = services.parse_date(opts["date_from"], "date_from")
            date_to = services.parse_date(opts["date_to"], "date_to")
            result = services.compute(opts["code"], date_from, date_to, by=opts["by"])
        except ValidationError as exc:
            raise CommandError(_describe(exc)) from exc
        if opts["json"]:
            self.stdout.write(json.dumps(result.as_json(), ensure_ascii=False))
        else:
            self.stdout.write(self._table(result))

    def _table(self, result: services.KpiResult) -> str:
        indicator = result.indicator
        lines = [
            f"{indicator.name} ({indicator.code})",
            _("Period: %(from)s – %(to)s") % {
                "from": result.date_from.isoformat(), "to": result.date_to.isoformat(),
            },
            _("Definition: %(text)s") % {"text": indicator.definition},
            "",
        ]
        first = (
            str(definitions.DIMENSION_NAMES[result.dimension]) if result.dimension else _("Grupp")
        )
        rows = [(first, _("Värde"), _("Täljare"), _("Nämnare"))]
        for group in result.groups:
            rows.append(self._row(indicator.kind, group.key or _("(okänd)"), group))
        rows.append(self._row(indicator.kind, _("Totalt"), result))
        widths = [max(len(row[i]) for row in rows) for i in range(4)]
        for row in rows:
            numbers = zip(row[1:], widths[1:], strict=True)
            cells = [row[0].ljust(widths[0]), *(cell.rjust(width) for cell, width in numbers)]
            lines.append("  ".join(cells).rstrip())
        if result.dimension == "measure_category":
            lines += ["", str(definitions.BREAKDOWN_NOTE)]
        return "\n".join(lines)

    @staticmethod
    def _row(kind: Kind, label: str, figure) -> tuple[str, str, str, str]:
        value = figure.value
        if value is not None and kind is Kind.SHARE:
            shown = _format(value * 100) + " %"
        elif value is not None and kind is Kind.AMOUNT:
            shown = _format(value) + " kr"
        else:
            shown = _format(value)
        return (label, shown, _format(figure.numerator), _format(figure.denominator))


OPTION_NAMES = {"kpi": "KOD", "date_from": "--from", "date_to": "--to", "by": "--by"}


def _describe(exc: ValidationError) -> str:
    """Each message prefixed with the argument it is about."""
    if not hasattr(exc, "error_dict"):
        return " ".join(exc.messages)
    return " ".join(
        f"{OPTION_NAMES.get(name, name)}: {message}"
        for name, messages in exc.message_dict.items()
        for message in messages
    )


def _format(value) -> str:
    """Swedish number format: space between thousands, decimal comma, one decimal."""
    if value is None:
        return "–"
    if isinstance(value, float):
        return f"{value:,.1f}".replace(",", "\u00a0").replace(".", ",")
    return f"{value:,}".replace(",", "\u00a0")
