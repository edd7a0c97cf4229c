#!/bin/sh
# Re-create docs/ (with mkdocs.yml and LICENSE) from a local git directory of
# https://github.com/jumpserver/docs at the pinned commit (branch v4.0).
# Usage: ./fetch.sh /path/to/jumpserver-docs/.git   (a bare clone works too)
set -eu
COMMIT=fd19bc244e7a518c855d8af1b8d906e7833264e1
SRC=${1:?usage: fetch.sh /path/to/jumpserver-docs.git}
HERE=$(cd "$(dirname "$0")" && pwd)
OUT="$HERE/docs"

git --git-dir="$SRC" show "$COMMIT:LICENSE" > "$HERE/LICENSE"
git --git-dir="$SRC" show "$COMMIT:mkdocs.yml" > "$HERE/mkdocs.yml"

rm -rf "$OUT"
# User-facing Markdown only: the pages that mkdocs.yml's nav lists, less the changelog
# (change_log.md) and the REST API reference (dev/rest_api.md). Pages that the site builds
# but its nav does not list (left over from earlier versions) are not copied.
while IFS= read -r f; do
    [ -n "$f" ] || continue
    mkdir -p "$OUT/$(dirname "$f")"
    git --git-dir="$SRC" show "$COMMIT:docs/$f" > "$OUT/$f"
done <<'LIST'
contact.md
dev/shell.md
faq/faq.md
faq/security.md
index.md
installation/1panel_setup/config_js.md
installation/1panel_setup/setup_js.md
installation/backup_recovery.md
installation/setup_kubernetes/helm_online_install.md
installation/setup_kubernetes/helm_online_upgrade.md
installation/setup_linux_lb/elasticsearch_install.md
installation/setup_linux_lb/haproxy_install.md
installation/setup_linux_lb/installation_node01.md
installation/setup_linux_lb/installation_node02.md
installation/setup_linux_lb/linux_lb_upgrade.md
installation/setup_linux_lb/minio_install.md
installation/setup_linux_lb/nfs_install.md
installation/setup_linux_lb/pgsql_install.md
installation/setup_linux_lb/redis_install.md
installation/setup_linux_lb/requirements.md
installation/setup_linux_standalone/offline_install.md
installation/setup_linux_standalone/offline_upgrade.md
installation/setup_linux_standalone/online_install.md
installation/setup_linux_standalone/online_upgrade.md
installation/setup_linux_standalone/requirements.md
manual/admin/audit/session_audit/file_transfer.md
manual/admin/audit/session_audit/job_audit/job_list.md
manual/admin/audit/session_audit/job_audit/job_logs.md
manual/admin/audit/session_audit/log_audit/login_logs.md
manual/admin/audit/session_audit/log_audit/operation_logs.md
manual/admin/audit/session_audit/log_audit/password_change_logs.md
manual/admin/audit/session_audit/online_user.md
manual/admin/audit/session_audit/reports.md
manual/admin/audit/session_audit/session_command.md
manual/admin/audit/session_audit/session_record.md
manual/admin/audit/session_audit/ticket_audit.md
manual/admin/console/access_control/acls.md
manual/admin/console/account_management/account_list.md
manual/admin/console/account_management/account_template.md
manual/admin/console/assets/assets_list.md
manual/admin/console/assets/net_list.md
manual/admin/console/assets/web_assets.md
manual/admin/console/authorization_manage/assets_authorization.md
manual/admin/console/else/tag_list.md
manual/admin/console/users/user-groups.md
manual/admin/console/users/users.md
manual/admin/others/MFA_Facelive.md
manual/admin/pam/applications_manage.md
manual/admin/pam/automation/account_backup.md
manual/admin/pam/automation/account_discovery.md
manual/admin/pam/automation/account_push.md
manual/admin/pam/security/change_secrets.md
manual/admin/pam/security/risk_detection.md
manual/admin/system_settings/appearance.md
manual/admin/system_settings/authentication_settings/CAS.md
manual/admin/system_settings/authentication_settings/DingTalk.md
manual/admin/system_settings/authentication_settings/Feishu.md
manual/admin/system_settings/authentication_settings/LDAP.md
manual/admin/system_settings/authentication_settings/LDAPHA.md
manual/admin/system_settings/authentication_settings/Lark.md
manual/admin/system_settings/authentication_settings/OAuth2.md
manual/admin/system_settings/authentication_settings/OIDC.md
manual/admin/system_settings/authentication_settings/Passkey.md
manual/admin/system_settings/authentication_settings/Radius.md
manual/admin/system_settings/authentication_settings/SAML2.md
manual/admin/system_settings/authentication_settings/Slack.md
manual/admin/system_settings/authentication_settings/WeCom.md
manual/admin/system_settings/authentication_settings/basic_settings.md
manual/admin/system_settings/basic_settings.md
manual/admin/system_settings/components.md
manual/admin/system_settings/feature_settings.md
manual/admin/system_settings/licenses.md
manual/admin/system_settings/notification_settings.md
manual/admin/system_settings/organization_manage.md
manual/admin/system_settings/overview.md
manual/admin/system_settings/platforms.md
manual/admin/system_settings/remote_apps.md
manual/admin/system_settings/role_list.md
manual/admin/system_settings/security.md
manual/admin/system_settings/storage.md
manual/admin/system_settings/system_tasks.md
manual/admin/system_settings/tools.md
manual/admin/system_settings/virtual_apps.md
manual/admin/workbench/job_center/adhoc.md
manual/admin/workbench/job_center/execute_history.md
manual/admin/workbench/job_center/jobs_management.md
manual/admin/workbench/job_center/templates_management.md
manual/admin/workbench/my_assets/assets_connect.md
manual/admin/workbench/my_assets/file_explorer.md
manual/admin/workbench/my_assets/file_transfer.md
manual/admin/workbench/my_assets/web_terminal.md
manual/admin/workbench/other/system_tool.md
manual/user/profile.md
manual/user/ticket.md
quick_start.md
user_stories.md
LIST
echo "docs: $(find "$OUT" -type f -name '*.md' | wc -l) files from $COMMIT"
