#!/usr/bin/env bash
# Makes sure RabbitMQ answers on 127.0.0.1:5672: starts it if installed, installs it with apt when
# running as root and it is missing, else stops with a message that says how.
set -euo pipefail
HOST=127.0.0.1
PORT=${EASYSIGHT_RABBITMQ_PORT:-5672}

answers() { timeout 2 bash -c ">/dev/tcp/$HOST/$PORT" 2>/dev/null; }

wait_for_broker() {
  for _ in $(seq 1 90); do
    answers && return 0
    sleep 1
  done
  echo "RabbitMQ was started but does not answer on $HOST:$PORT after 90 s." >&2
  echo "See /var/log/rabbitmq/ for why." >&2
  return 1
}

enable_management() {
  # The console's Queues pane and `status` add unacked counts and rates from the management API.
  timeout 2 bash -c ">/dev/tcp/$HOST/15672" 2>/dev/null && return 0
  if [ "$(id -u)" -eq 0 ] && command -v rabbitmq-plugins >/dev/null; then
    rabbitmq-plugins enable --quiet rabbitmq_management >/dev/null || true
  fi
}

if answers; then
  enable_management
  exit 0
fi

if ! command -v rabbitmq-server >/dev/null && [ ! -x /usr/sbin/rabbitmq-server ]; then
  if [ "$(id -u)" -ne 0 ]; then
    echo "RabbitMQ does not answer on $HOST:$PORT and is not installed." >&2
    echo "Install and start it:  sudo apt-get install rabbitmq-server && sudo systemctl start rabbitmq-server" >&2
    exit 1
  fi
  echo "Installing RabbitMQ (apt-get install rabbitmq-server)…"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq rabbitmq-server >/dev/null
  if answers; then enable_management; exit 0; fi
fi

echo "Starting RabbitMQ…"
if [ "$(id -u)" -ne 0 ]; then
  echo "RabbitMQ is installed but not running; start it:  sudo systemctl start rabbitmq-server" >&2
  exit 1
fi
if command -v systemctl >/dev/null && [ -d /run/systemd/system ]; then
  systemctl start rabbitmq-server || rabbitmq-server -detached
else
  PATH="/usr/sbin:$PATH" rabbitmq-server -detached
fi
wait_for_broker
enable_management
echo "RabbitMQ answers on $HOST:$PORT."
