"""How clients reach a running embedded stack."""

from dataclasses import dataclass


@dataclass(frozen=True)
class StackEndpoints:
    """URLs and credentials of a running stack, plus the durability settings in force.

    mail_dir is the SMTP sink's Maildir, where tests and `jobtrail mail` read what was sent.
    """

    nats_url: str
    nats_monitor_url: str
    database_url: str
    s3_endpoint: str
    s3_access_key: str
    s3_secret_key: str
    smtp_host: str
    smtp_port: int
    mail_dir: str
    durability: str
    s3_secure: bool = False

    def as_env(self) -> dict[str, str]:
        """The JOBTRAIL_* variables services read to connect to this stack."""
        return {
            "JOBTRAIL_NATS_URL": self.nats_url,
            "JOBTRAIL_DATABASE_URL": self.database_url,
            "JOBTRAIL_S3_ENDPOINT": self.s3_endpoint,
            "JOBTRAIL_S3_ACCESS_KEY": self.s3_access_key,
            "JOBTRAIL_S3_SECRET_KEY": self.s3_secret_key,
            "JOBTRAIL_S3_SECURE": "true" if self.s3_secure else "false",
            "JOBTRAIL_SMTP_HOST": self.smtp_host,
            "JOBTRAIL_SMTP_PORT": str(self.smtp_port),
        }
