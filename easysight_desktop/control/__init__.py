"""The console's control plane: Qt-free asyncio services that the window and --headless share."""
