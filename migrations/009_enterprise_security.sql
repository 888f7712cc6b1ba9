-- 009_enterprise_security.sql
-- What it adds: the roadmap's "Audit logging, encryption at rest, SSO prep": audit_log with
-- a trigger that records every change to subscriptions, organizations and their members;
-- sso_providers (SAML/OIDC settings per organization); data_export_requests (GDPR exports).
-- Supabase encrypts databases at rest already; secrets in sso_providers are stored encrypted
-- by pgcrypto with a key the application holds.
-- When: Phase 4, "009-011_enterprise: At 15,000 users" (the Migration Schedule).
-- Idempotent: yes.

CREATE EXTENSION IF NOT EXISTS pgcrypto;

CREATE TABLE IF NOT EXISTS audit_log (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    actor_id uuid REFERENCES auth.users (id) ON DELETE SET NULL,
    organization_id uuid REFERENCES organizations (id) ON DELETE SET NULL,
    action text NOT NULL CHECK (action IN ('INSERT', 'UPDATE', 'DELETE')),
    table_name text NOT NULL,
    record_id text,
    old_data jsonb,
    new_data jsonb,
    created_at timestamptz NOT NULL DEFAULT now()
);

CREATE INDEX IF NOT EXISTS audit_log_actor_id_idx ON audit_log (actor_id, created_at);
CREATE INDEX IF NOT EXISTS audit_log_organization_id_idx ON audit_log (organization_id, created_at);

CREATE OR REPLACE FUNCTION record_audit() RETURNS trigger
    LANGUAGE plpgsql SECURITY DEFINER SET search_path = public
    AS $$
DECLARE
    row_data jsonb := to_jsonb(COALESCE(NEW, OLD));
BEGIN
    INSERT INTO audit_log (actor_id, organization_id, action, table_name, record_id, old_data, new_data)
    VALUES (
        auth.uid(),
        CASE WHEN TG_TABLE_NAME = 'organizations' THEN (row_data ->> 'id')::uuid
             ELSE (row_data ->> 'org_id')::uuid END,
        TG_OP,
        TG_TABLE_NAME,
        COALESCE(row_data ->> 'id', row_data ->> 'org_id'),
        CASE WHEN TG_OP IN ('UPDATE', 'DELETE') THEN to_jsonb(OLD) END,
        CASE WHEN TG_OP IN ('INSERT', 'UPDATE') THEN to_jsonb(NEW) END
    );
    RETURN COALESCE(NEW, OLD);
END;
$$;

DROP TRIGGER IF EXISTS subscriptions_audit ON subscriptions;
CREATE TRIGGER subscriptions_audit AFTER INSERT OR UPDATE OR DELETE ON subscriptions
    FOR EACH ROW EXECUTE FUNCTION record_audit();
DROP TRIGGER IF EXISTS organizations_audit ON organizations;
CREATE TRIGGER organizations_audit AFTER INSERT OR UPDATE OR DELETE ON organizations
    FOR EACH ROW EXECUTE FUNCTION record_audit();
DROP TRIGGER IF EXISTS organization_members_audit ON organization_members;
CREATE TRIGGER organization_members_audit AFTER INSERT OR UPDATE OR DELETE ON organization_members
    FOR EACH ROW EXECUTE FUNCTION record_audit();

CREATE TABLE IF NOT EXISTS sso_providers (
    id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    organization_id uuid NOT NULL REFERENCES organizations (id) ON DELETE CASCADE,
    protocol text NOT NULL CHECK (protocol IN ('saml', 'oidc')),
    domain text NOT NULL UNIQUE,
    metadata_url text,
    encrypted_secret bytea,
    created_at timestamptz NOT NULL DEFAULT now()
);

CREATE INDEX IF NOT EXISTS sso_providers_organization_id_idx ON sso_providers (organization_id);

CREATE TABLE IF NOT EXISTS data_export_requests (
    id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    user_id uuid NOT NULL REFERENCES auth.users (id) ON DELETE CASCADE,
    status text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'running', 'done', 'failed')),
    download_url text,
    requested_at timestamptz NOT NULL DEFAULT now(),
    completed_at timestamptz
);

CREATE INDEX IF NOT EXISTS data_export_requests_user_id_idx ON data_export_requests (user_id);

ALTER TABLE audit_log ENABLE ROW LEVEL SECURITY;
ALTER TABLE sso_providers ENABLE ROW LEVEL SECURITY;
ALTER TABLE data_export_requests ENABLE ROW LEVEL SECURITY;

DROP POLICY IF EXISTS audit_log_admin_read ON audit_log;
CREATE POLICY audit_log_admin_read ON audit_log FOR SELECT TO authenticated
    USING (organization_id IS NOT NULL AND is_org_admin(organization_id));
DROP POLICY IF EXISTS sso_providers_admin ON sso_providers;
CREATE POLICY sso_providers_admin ON sso_providers FOR ALL TO authenticated
    USING (is_org_admin(organization_id)) WITH CHECK (is_org_admin(organization_id));
DROP POLICY IF EXISTS data_export_requests_own ON data_export_requests;
CREATE POLICY data_export_requests_own ON data_export_requests FOR ALL TO authenticated
    USING (user_id = auth.uid()) WITH CHECK (user_id = auth.uid());
