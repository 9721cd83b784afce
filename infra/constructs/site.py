"""The store staff web app: static files in a private bucket, served by CloudFront over HTTPS.

The bucket is reachable only through the distribution (Origin Access Control). The deployment
copies the app's folder and writes ``config.json`` (API and feed URLs, user pool and client) next
to it, then invalidates the distribution's cache.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path

from aws_cdk import Duration
from aws_cdk import aws_cloudfront as cloudfront
from aws_cdk import aws_cloudfront_origins as origins
from aws_cdk import aws_iam as iam
from aws_cdk import aws_s3 as s3
from aws_cdk import aws_s3_deployment as s3deploy
from constructs import Construct

from infra.constructs.nag import (
    acknowledge,
    acknowledge_managed_policies,
    acknowledge_policy_wildcards,
    acknowledge_serverless,
)

LOG_RETENTION = Duration.days(90)


def content_security_policy(connect_sources: Sequence[str]) -> str:
    """Only the app's own files, and connections to itself, the API and the live feed."""
    return "; ".join((
        "default-src 'none'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
        f"connect-src 'self' {' '.join(connect_sources)}",
        "base-uri 'none'",
        "form-action 'none'",
        "frame-ancestors 'none'",
    ))


def _private_bucket(scope: Construct, construct_id: str, **kwargs: object) -> s3.Bucket:
    return s3.Bucket(
        scope,
        construct_id,
        block_public_access=s3.BlockPublicAccess.BLOCK_ALL,
        encryption=s3.BucketEncryption.S3_MANAGED,
        enforce_ssl=True,
        object_ownership=s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
        **kwargs,  # type: ignore[arg-type]
    )


class StoreSite(Construct):
    """Site bucket (+ access log bucket), CloudFront distribution, and the deployment of the app."""

    def __init__(
        self,
        scope: Construct,
        construct_id: str,
        *,
        app_dir: Path,
        config: Mapping[str, str],
        connect_sources: Sequence[str],
    ) -> None:
        super().__init__(scope, construct_id)
        if not app_dir.is_dir():
            raise FileNotFoundError(f"the store app folder {app_dir} (Topology.store_app_dir) does not exist")
        self.log_bucket = _private_bucket(
            self, "AccessLogs", lifecycle_rules=[s3.LifecycleRule(expiration=LOG_RETENTION)]
        )
        acknowledge(self.log_bucket, "AwsSolutions-S1",
                    "This is the access log bucket itself (it receives the site bucket's server access logs); "
                    "logging it into another bucket would only move the question.")
        self.bucket = _private_bucket(
            self, "Bucket", server_access_logs_bucket=self.log_bucket, server_access_logs_prefix="site/"
        )
        headers = cloudfront.ResponseHeadersPolicy(
            self,
            "SecurityHeaders",
            comment="Store app: strict CSP, HSTS, no framing, no referrer (the page URL carries a token)",
            security_headers_behavior=cloudfront.ResponseSecurityHeadersBehavior(
                content_security_policy=cloudfront.ResponseHeadersContentSecurityPolicy(
                    content_security_policy=content_security_policy(connect_sources), override=True),
                content_type_options=cloudfront.ResponseHeadersContentTypeOptions(override=True),
                frame_options=cloudfront.ResponseHeadersFrameOptions(
                    frame_option=cloudfront.HeadersFrameOption.DENY, override=True),
                referrer_policy=cloudfront.ResponseHeadersReferrerPolicy(
                    referrer_policy=cloudfront.HeadersReferrerPolicy.NO_REFERRER, override=True),
                strict_transport_security=cloudfront.ResponseHeadersStrictTransportSecurity(
                    access_control_max_age=Duration.days(730), include_subdomains=True, override=True),
                xss_protection=cloudfront.ResponseHeadersXSSProtection(protection=True, mode_block=True,
                                                                       override=True),
            ),
        )
        self.distribution = cloudfront.Distribution(
            self,
            "Distribution",
            comment="Store staff app",
            default_root_object="index.html",
            default_behavior=cloudfront.BehaviorOptions(
                origin=origins.S3BucketOrigin.with_origin_access_control(self.bucket),
                viewer_protocol_policy=cloudfront.ViewerProtocolPolicy.HTTPS_ONLY,
                allowed_methods=cloudfront.AllowedMethods.ALLOW_GET_HEAD,
                cache_policy=cloudfront.CachePolicy.CACHING_OPTIMIZED,  # no query string: ?token= stays out
                response_headers_policy=headers,
                compress=True,
            ),
            price_class=cloudfront.PriceClass.PRICE_CLASS_100,
            http_version=cloudfront.HttpVersion.HTTP2_AND_3,
        )
        self._acknowledge_distribution()
        self.deployment = s3deploy.BucketDeployment(
            self,
            "Deployment",
            sources=[s3deploy.Source.asset(str(app_dir)), s3deploy.Source.json_data("config.json", dict(config))],
            destination_bucket=self.bucket,
            distribution=self.distribution,
            distribution_paths=["/*"],
            prune=True,
            memory_limit=256,
        )
        self._acknowledge_deployment()

    @property
    def url(self) -> str:
        return f"https://{self.distribution.distribution_domain_name}"

    def _acknowledge_distribution(self) -> None:
        acknowledge(self.distribution, "AwsSolutions-CFR1",
                    "Store staff work in several countries and the app is useless without a staff token: "
                    "geo restriction would add nothing but a list to maintain.")
        acknowledge(self.distribution, "AwsSolutions-CFR2",
                    "Static files only (GET/HEAD, cached); every data request goes to the throttled, JWT-checked "
                    "API. A WAF web ACL (us-east-1, billed) is not warranted for this distribution yet.")
        acknowledge(self.distribution, "AwsSolutions-CFR3",
                    "The store app is opened as index.html?token=<staff JWT>; CloudFront standard logs record query "
                    "strings, so they would store bearer tokens. Origin reads are in the bucket's access logs.")
        acknowledge(self.distribution, "AwsSolutions-CFR4",
                    "The distribution uses the default *.cloudfront.net certificate, for which CloudFront does not "
                    "allow a minimum TLS version; set a custom domain and certificate to enforce TLSv1.2_2021.")

    def _acknowledge_deployment(self) -> None:
        """BucketDeployment's handler is a singleton function at stack level, with CDK's own runtime and role:
        acknowledge exactly what aws-cdk-lib gave it (its policy is complete once the deployment exists)."""
        role = self.deployment.handler_role
        acknowledge(role.node.scope or role, "AwsSolutions-L1",
                    "CDK's BucketDeployment handler: aws-cdk-lib chooses its runtime (Python 3.13 here), not this "
                    "app; it runs only during deployments.")
        for rule, why in (("LambdaLatestVersion", "aws-cdk-lib chooses its runtime, not this app"),
                          ("LambdaTracing", "aws-cdk-lib configures it without X-Ray; it only copies the site"),
                          ("LambdaDLQ", "CloudFormation invokes it during deployments and waits for its answer")):
            acknowledge_serverless(role.node.scope or role, rule, f"CDK's BucketDeployment handler: {why}; it runs "
                                   "only during deployments, and a failure fails the deployment.")
        acknowledge_managed_policies(role,
                                     "CDK's BucketDeployment handler role has AWSLambdaBasicExecutionRole (writing "
                                     "its own logs), as aws-cdk-lib creates it.")
        policy = role.node.try_find_child("DefaultPolicy")
        if isinstance(policy, iam.Policy):
            acknowledge_policy_wildcards(
                policy, policy.document,
                "CDK's BucketDeployment handler, as aws-cdk-lib grants it: read the CDK asset objects, write and "
                "prune the site bucket's objects (s3:GetObject*, s3:List*, s3:DeleteObject*, ...), and invalidate "
                "the distribution (cloudfront:CreateInvalidation/GetInvalidation take no resource ARN).")
