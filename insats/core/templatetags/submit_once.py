"""``{% csrf_token %}`` that also gives the form its one-time submit token.

Installed as a template builtin after Django's own (settings.TEMPLATES), so every POST form in
every template gets double-submit protection without remembering a second tag. See
``insats.core.submit_once``.
"""

from django import template
from django.template.defaulttags import CsrfTokenNode
from django.utils.html import format_html

from insats.core.submit_once import FIELD, new_token

register = template.Library()


class CsrfAndSubmitTokenNode(CsrfTokenNode):
    def render(self, context):
        csrf = super().render(context)
        if not csrf:
            return csrf
        return csrf + format_html('<input type="hidden" name="{}" value="{}">', FIELD, new_token())


@register.tag
def csrf_token(parser, token):
    return CsrfAndSubmitTokenNode()
