"""Who may call the API: a Cognito user pool with role groups and two kinds of client.

People (shoppers, store staff, head office) sign in with SRP through the app client and get
their role from their group; ERP, POS and WMS systems use client credentials with the
``retail-api/integration`` scope. Both token kinds are accepted by the API's JWT authorizer.
"""

from __future__ import annotations

from aws_cdk import Duration, RemovalPolicy
from aws_cdk import aws_cognito as cognito
from aws_cdk import aws_iam as iam
from aws_cdk import aws_lambda as lambda_
from constructs import Construct

from infra.constructs.nag import acknowledge
from infra.topology import Access

USER_POOL_ENV = "USER_POOL_ID"  # shared.adapters.cognito_accounts reads it
CUSTOMER_ACCOUNT_ACTIONS = ("AdminCreateUser", "AdminSetUserPassword", "AdminAddUserToGroup", "AdminDeleteUser")
RESOURCE_SERVER = "retail-api"
INTEGRATION_SCOPE = "integration"


class RetailIdentity(Construct):
    """User pool, groups, app client, machine client, resource server and hosted domain."""

    def __init__(self, scope: Construct, construct_id: str, *, domain_prefix: str) -> None:
        """``domain_prefix`` is global to AWS: the stack derives it from stage and account."""
        super().__init__(scope, construct_id)
        self.user_pool = cognito.UserPool(
            self,
            "UserPool",
            self_sign_up_enabled=False,  # accounts are created by admins (and the shop backend)
            sign_in_aliases=cognito.SignInAliases(email=True),
            auto_verify=cognito.AutoVerifiedAttrs(email=True),
            account_recovery=cognito.AccountRecovery.EMAIL_ONLY,
            mfa=cognito.Mfa.OPTIONAL,
            mfa_second_factor=cognito.MfaSecondFactor(otp=True, sms=False),
            password_policy=cognito.PasswordPolicy(
                min_length=12,
                require_lowercase=True,
                require_uppercase=True,
                require_digits=True,
                require_symbols=True,
                temp_password_validity=Duration.days(3),
            ),
            custom_attributes={
                "location_id": cognito.StringAttribute(mutable=True, min_len=1, max_len=64),
                # the customer record a user made for a store-enrolled customer belongs to (set once)
                "customer_id": cognito.StringAttribute(mutable=False, min_len=1, max_len=128),
            },
            deletion_protection=True,
            removal_policy=RemovalPolicy.RETAIN,
        )
        for role in (access for access in Access if access is not Access.PUBLIC):  # the token-bearing roles
            self.user_pool.add_group(f"{role.value}-group", group_name=role.value,
                                     description=f"Callers with the {role.value} role")
        self.web_client = self.user_pool.add_client(
            "WebClient",
            auth_flows=cognito.AuthFlow(user_srp=True),
            generate_secret=False,
            disable_o_auth=True,
            prevent_user_existence_errors=True,
            # custom:location_id binds staff to a store: only admins may change it, never the user.
            write_attributes=cognito.ClientAttributes().with_standard_attributes(
                fullname=True, given_name=True, family_name=True
            ),
        )
        scope_ = cognito.ResourceServerScope(scope_name=INTEGRATION_SCOPE,
                                             scope_description="ERP, POS and WMS integrations")
        self.resource_server = self.user_pool.add_resource_server(
            "RetailApi", identifier=RESOURCE_SERVER, scopes=[scope_]
        )
        self.machine_client = self.user_pool.add_client(
            "IntegrationClient",
            generate_secret=True,
            prevent_user_existence_errors=True,
            access_token_validity=Duration.hours(1),
            o_auth=cognito.OAuthSettings(
                flows=cognito.OAuthFlows(client_credentials=True),
                scopes=[cognito.OAuthScope.resource_server(self.resource_server, scope_)],
            ),
        )
        acknowledge(self.user_pool, "AwsSolutions-COG2",
                    "MFA is optional (TOTP, no SMS): shoppers and shared store devices sign in with a password; "
                    "requiring MFA is a product decision, enforce it per group when head office asks.")
        acknowledge(self.user_pool, "AwsSolutions-COG8",
                    "Essentials feature plan: threat protection (Plus) is billed per active user and is not "
                    "required yet; accounts are admin-created and passwords are strong.")
        # The token endpoint (client credentials) lives on the pool's domain.
        self.domain = self.user_pool.add_domain(
            "Domain", cognito_domain=cognito.CognitoDomainOptions(domain_prefix=domain_prefix)
        )

    def grant_manage_customers(self, fn: lambda_.Function) -> None:
        """Make a customer's user (ready for activation, in the customer group), delete it on erasure; no more."""
        fn.add_environment(USER_POOL_ENV, self.user_pool.user_pool_id)
        fn.add_to_role_policy(iam.PolicyStatement(
            actions=[f"cognito-idp:{action}" for action in CUSTOMER_ACCOUNT_ACTIONS],
            resources=[self.user_pool.user_pool_arn]))
