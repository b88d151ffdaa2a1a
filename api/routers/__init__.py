"""One router per resource; each route takes its dependencies, calls one service, returns."""
