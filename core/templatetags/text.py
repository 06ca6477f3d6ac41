"""Filters for text in sentences."""

from django import template

from core import text

register = template.Library()
register.filter("before_stop", text.before_stop)
