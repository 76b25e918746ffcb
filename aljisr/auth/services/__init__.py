"""Writes of the auth area, one module per use case (as flaskbb's ``auth/services/``):

- :mod:`~aljisr.auth.services.signin`: checking a password, keeping the chosen language,
  ending every session of a user;
- :mod:`~aljisr.auth.services.passwords`: one-time links (invitation and reset), setting,
  resetting and changing a password;
- :mod:`~aljisr.auth.services.invitations`: inviting volunteers and partner contacts;
- :mod:`~aljisr.auth.services.accounts`: logins created and changed by administrators.

Like every service, these flush but never commit; reads live in :mod:`aljisr.auth.queries`.
"""
