"""`python -m jobtrail.gateway`: run the REST API and its projectors."""

import uvicorn

from jobtrail.gateway.api.app import create_app
from jobtrail.gateway.settings import GatewaySettings
from jobtrail.runtime import configure_logging


def main() -> None:
    settings = GatewaySettings()
    configure_logging("gateway", settings.log_level, settings.log_format)
    uvicorn.run(
        create_app(settings),
        host=settings.http_host,
        port=settings.http_port,
        log_config=None,
        access_log=False,
        proxy_headers=True,
    )


if __name__ == "__main__":
    main()
