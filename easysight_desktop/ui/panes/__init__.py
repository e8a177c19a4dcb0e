"""The window's panes, one module each; every pane takes the control plane and its events."""
