"""The sender's tracking page (``/lacak``) and the WhatsApp webhook, served by waitress.

Nothing here opens a socket or a file at import time: ``create_app`` builds the
Flask app from settings and two ports (``web.ports``), ``web.commands.serve``
serves it."""
