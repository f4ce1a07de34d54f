"""Whether the file system of a path can be used, checked before a run starts.

A path with a scheme goes to Beam's file system for that scheme: s3:// needs the `aws`
extra (boto3), gs:// the `gcp` extra; http:// and https:// are corpus's own
(corpus.remote.https). Other schemes are refused, those Beam knows too (hdfs://, azfs://:
corpus neither installs nor tests their file systems). The flags of the file systems are
Beam's pipeline options (`--s3_endpoint_url`, `--s3_access_key_id`, `--s3_region_name`,
`--http_retries`, ...), which those of the launching process take from
`use_beam_options`. Every problem a user can fix is one line naming the fix: a scheme
corpus does not read, a missing extra, missing or refused credentials, a path that fails
to be matched. S3 credentials are tried with one request of corpus's own before Beam's
first, as Beam's S3 client retries a missing credential for minutes.
"""

from __future__ import annotations

import re

from apache_beam.io.filesystem import BeamIOError, MatchResult
from apache_beam.io.filesystems import FileSystems
from apache_beam.options.pipeline_options import PipelineOptions

from corpus.errors import ConfigError

SCHEMES = {"s3": "aws", "gs": "gcp", "http": None, "https": None}
"""The schemes corpus reads, each with the extra of corpus its file system needs."""
READ_ONLY = frozenset({"http", "https"})
SUPPORTED = "it reads local paths, s3://, gs://, http:// and https://"
WRITABLE = "a local path, s3:// or gs://"
GCS_SIGN_IN = (
    "sign in with `gcloud auth application-default login` or set GOOGLE_APPLICATION_CREDENTIALS"
)
_GLOB = re.compile(r"[*?\[]")


def use_beam_options(beam_args: list[str]) -> None:
    """File systems opened in this process from now on take their flags from `beam_args`.
    (Beam sets them itself when a pipeline is made, which is after the inputs are checked
    and the output is claimed.)"""
    FileSystems.set_options(PipelineOptions(beam_args))


def _has_extra(scheme: str) -> bool:
    try:
        if scheme == "s3":
            import boto3  # noqa: F401
        elif scheme == "gs":
            import apache_beam.io.gcp.gcsfilesystem  # noqa: F401
            import google.cloud.storage  # noqa: F401
    except ImportError:
        return False
    return True


def _bucket(path: str) -> str:
    """`s3://bucket` of `s3://bucket/a/b*.gz`."""
    scheme, _, rest = path.partition("://")
    return f"{scheme}://{rest.split('/', 1)[0]}"


def check_file_systems(
    paths: list[str], key: str, writing: bool = False, contact: bool = True
) -> None:
    """Raises ConfigError naming `key` unless every path's file system can be used (to
    write, with `writing`); S3 credentials are tried once per bucket, unless not to
    `contact` any (the checks left need no network)."""
    tried = set()
    for path in paths:
        scheme = FileSystems.get_scheme(path)
        if scheme is None:
            continue
        if scheme not in SCHEMES:
            raise ConfigError(f"{key}: {path}: corpus cannot use {scheme}:// paths ({SUPPORTED})")
        extra = SCHEMES[scheme]
        if extra and not _has_extra(scheme):
            raise ConfigError(
                f"{key}: {path} needs the {extra} extra: pip install 'corpus[{extra}]'"
            )
        if writing and scheme in READ_ONLY:
            raise ConfigError(f"{key}: {path}: {scheme}:// is read only; write to {WRITABLE}")
        if contact and scheme == "s3" and _bucket(path) not in tried:
            tried.add(_bucket(path))
            _try_s3(path, key)


def _try_s3(path: str, key: str) -> None:
    """One request to the path's bucket with the S3 flags Beam's client will use."""
    from apache_beam.io.aws.clients.s3.boto3_client import Client
    from botocore.exceptions import BotoCoreError, ClientError, NoCredentialsError

    bucket, _, name = path.removeprefix("s3://").partition("/")
    prefix = _GLOB.split(name, maxsplit=1)[0]
    # Beam's S3 client, made from the options Beam's S3 file system gets in this process.
    client = Client(options=FileSystems._pipeline_options or PipelineOptions([])).client
    try:
        client.list_objects_v2(Bucket=bucket, Prefix=prefix, MaxKeys=1)
    except NoCredentialsError:
        raise ConfigError(
            f"{key}: {path}: no AWS credentials: pass --s3_access_key_id and "
            "--s3_secret_access_key, or set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY "
            "(or AWS_PROFILE)"
        ) from None
    except ClientError as error:
        code = error.response.get("Error", {}).get("Code", "")
        if code == "NoSuchBucket":
            raise ConfigError(f"{key}: {path}: there is no bucket {bucket}") from None
        raise ConfigError(
            f"{key}: {path}: S3 refused the request ({code or error}): check the credentials "
            "(--s3_access_key_id, --s3_secret_access_key, --s3_session_token), "
            "--s3_region_name and --s3_endpoint_url"
        ) from None
    except BotoCoreError as error:
        raise ConfigError(f"{key}: {path}: cannot reach S3: {error}") from None


def _cause(error: Exception) -> Exception:
    """The innermost exception of Beam's nested BeamIOErrors (one per path or prefix)."""
    while isinstance(error, BeamIOError) and error.exception_details:
        error = next(iter(error.exception_details.values()))
    return error


def _reason(error: Exception, scheme: str | None) -> str:
    cause = _cause(error)
    reason = (str(cause).strip().splitlines() or [repr(cause)])[0]
    if scheme == "gs" and type(cause).__name__ in ("Forbidden", "Unauthorized"):
        reason += f"; {GCS_SIGN_IN}"
    return reason


def match_patterns(patterns: list[str], key: str) -> list[MatchResult]:
    """`FileSystems.match` of each pattern, patterns of different file systems alike
    (Beam's own matches them all with the first one's); ConfigError naming `key` and the
    reason when a pattern cannot be matched."""
    check_file_systems(patterns, key)
    by_scheme: dict[str | None, list[str]] = {}
    for pattern in patterns:
        by_scheme.setdefault(FileSystems.get_scheme(pattern), []).append(pattern)
    results: dict[str, MatchResult] = {}
    for scheme, group in by_scheme.items():
        try:
            results.update(zip(group, FileSystems.match(group), strict=True))
        except BeamIOError as error:
            failed = next(iter(error.exception_details or {group[0]: error}))
            raise ConfigError(f"{key}: {failed}: {_reason(error, scheme)}") from None
    return [results[pattern] for pattern in patterns]
