#!/usr/bin/env bash
# LocalStack init hook (ready stage): verify the SES sender so the
# email-notification function can send from it, as on AWS after verification.
set -euo pipefail

sender="${MOVIES_SENDER_EMAIL:-movies@example.com}"
awslocal ses verify-email-identity --email-address "${sender}"
echo "movies: verified SES sender ${sender}"
