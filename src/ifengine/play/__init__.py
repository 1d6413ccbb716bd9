"""The terminal front end: a session that interprets player input, and two renderers.

`session` decides (its clock, saves store and recorder are handed in);
`outputs` and `views` are the plain values it hands over; `plain` and `fancy`
only draw; `launch` picks the front end for `ifengine play`; `watch` reloads an
edited story. Nothing outside this package imports rich or prompt_toolkit.
"""
