"""The terminal front end: a session that interprets player input, and two renderers.

`session` decides (pure apart from the clock it is given); `plain` and `fancy`
only draw. Nothing outside this package imports rich or prompt_toolkit.
"""
