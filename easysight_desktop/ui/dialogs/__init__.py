"""Non-modal dialogs (shown with ``show()``/``open()``, never ``exec()`` on the event loop)."""
