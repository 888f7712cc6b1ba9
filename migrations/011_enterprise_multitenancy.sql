-- 011_enterprise_multitenancy.sql
-- What it adds: the roadmap's "Schema-based isolation, resource quotas":
-- organization_quotas (members, messages per day and storage per organization),
-- tenant_schemas with create_tenant_schema(), which gives an enterprise organization a
-- schema of its own for isolated data, analytics_events and chat usage attributed to an
-- organization, and a trigger that refuses a message once a user's tier or organization
-- quota for the day is spent.
-- When: Phase 4, "009-011_enterprise: At 15,000 users" (the Migration Schedule).
-- Idempotent: yes.

CREATE TABLE IF NOT EXISTS organization_quotas (
    organization_id uuid PRIMARY KEY REFERENCES organizations (id) ON DELETE CASCADE,
    max_members integer NOT NULL DEFAULT 25,
    max_messages_per_day integer,
    max_storage_bytes bigint NOT NULL DEFAULT 10000000000,
    updated_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE IF NOT EXISTS tenant_schemas (
    organization_id uuid PRIMARY KEY REFERENCES organizations (id) ON DELETE CASCADE,
    schema_name text NOT NULL UNIQUE,
    created_at timestamptz NOT NULL DEFAULT now()
);

ALTER TABLE analytics_events ADD COLUMN IF NOT EXISTS organization_id uuid REFERENCES organizations (id) ON DELETE SET NULL;
CREATE INDEX IF NOT EXISTS analytics_events_organization_id_idx ON analytics_events (organization_id, created_at);
ALTER TABLE daily_usage ADD COLUMN IF NOT EXISTS organization_id uuid REFERENCES organizations (id) ON DELETE SET NULL;
CREATE INDEX IF NOT EXISTS daily_usage_organization_id_idx ON daily_usage (organization_id, day);

-- A schema per enterprise tenant, named from its id; owned by the service role.
CREATE OR REPLACE FUNCTION create_tenant_schema(org uuid) RETURNS text
    LANGUAGE plpgsql SECURITY DEFINER SET search_path = public
    AS $$
DECLARE
    name text := 'tenant_' || replace(org::text, '-', '');
BEGIN
    EXECUTE format('CREATE SCHEMA IF NOT EXISTS %I', name);
    EXECUTE format('REVOKE ALL ON SCHEMA %I FROM PUBLIC', name);
    INSERT INTO tenant_schemas (organization_id, schema_name) VALUES (org, name)
    ON CONFLICT (organization_id) DO NOTHING;
    RETURN name;
END;
$$;

-- Counts the message in daily_usage and refuses it past the tier's and the organization's quota.
CREATE OR REPLACE FUNCTION enforce_message_quota() RETURNS trigger
    LANGUAGE plpgsql SECURITY DEFINER SET search_path = public
    AS $$
DECLARE
    used integer;
    tier_limit integer;
    org uuid;
    org_limit integer;
BEGIN
    IF NEW.role <> 'user' THEN
        RETURN NEW;
    END IF;
    SELECT c.organization_id INTO org FROM conversations c WHERE c.id = NEW.conversation_id;
    INSERT INTO daily_usage (user_id, day, messages, organization_id)
    VALUES (NEW.user_id, (NEW.created_at AT TIME ZONE 'UTC')::date, 1, org)
    ON CONFLICT (user_id, day) DO UPDATE SET messages = daily_usage.messages + 1
    RETURNING messages INTO used;
    SELECT q.messages_per_day INTO tier_limit
    FROM profiles p JOIN usage_quotas q ON q.tier = p.tier WHERE p.id = NEW.user_id;
    IF tier_limit IS NOT NULL AND used > tier_limit THEN
        RAISE EXCEPTION 'daily message quota of % reached', tier_limit USING ERRCODE = 'P0001';
    END IF;
    IF org IS NOT NULL THEN
        SELECT max_messages_per_day INTO org_limit FROM organization_quotas WHERE organization_id = org;
        IF org_limit IS NOT NULL AND
           (SELECT sum(messages) FROM daily_usage WHERE organization_id = org AND day = (NEW.created_at AT TIME ZONE 'UTC')::date) > org_limit THEN
            RAISE EXCEPTION 'organization daily message quota of % reached', org_limit USING ERRCODE = 'P0001';
        END IF;
    END IF;
    RETURN NEW;
END;
$$;

DROP TRIGGER IF EXISTS chat_messages_quota ON chat_messages;
CREATE TRIGGER chat_messages_quota BEFORE INSERT ON chat_messages
    FOR EACH ROW EXECUTE FUNCTION enforce_message_quota();

ALTER TABLE organization_quotas ENABLE ROW LEVEL SECURITY;
ALTER TABLE tenant_schemas ENABLE ROW LEVEL SECURITY;

DROP POLICY IF EXISTS organization_quotas_member_read ON organization_quotas;
CREATE POLICY organization_quotas_member_read ON organization_quotas FOR SELECT TO authenticated
    USING (is_org_member(organization_id));
DROP POLICY IF EXISTS tenant_schemas_admin_read ON tenant_schemas;
CREATE POLICY tenant_schemas_admin_read ON tenant_schemas FOR SELECT TO authenticated
    USING (is_org_admin(organization_id));
DROP POLICY IF EXISTS analytics_events_org_admin_read ON analytics_events;
CREATE POLICY analytics_events_org_admin_read ON analytics_events FOR SELECT TO authenticated
    USING (organization_id IS NOT NULL AND is_org_admin(organization_id));
