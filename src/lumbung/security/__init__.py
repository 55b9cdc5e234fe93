"""Protection of the web app that Django does not give by default (issue 8 point 9): a strict
Content-Security-Policy (:mod:`.csp`), throttled logins (:mod:`.logins`) and outgoing mail
configured from the settings, with the password-reset pages only when mail can be sent
(:mod:`.mail`). docs/web.md describes each."""
