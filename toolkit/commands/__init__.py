"""Thin command-line front ends; each module has ``add_arguments`` and ``run``."""
