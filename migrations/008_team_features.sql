-- 008_team_features.sql
-- What it adds: the roadmap's team features: organizations and organization_members (as in
-- Phase 3, with the indexes on foreign keys the roadmap's own pitfall asks for), and
-- conversations shared with an organization.
-- When: Phase 3, "008_team_features: At 2,000 users" (the Migration Schedule).
-- Idempotent: yes.

CREATE TABLE IF NOT EXISTS organizations (
    id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    name text NOT NULL,
    owner_id uuid REFERENCES auth.users (id),
    plan_type text DEFAULT 'free',
    created_at timestamptz DEFAULT now()
);

CREATE INDEX IF NOT EXISTS organizations_owner_id_idx ON organizations (owner_id);

CREATE TABLE IF NOT EXISTS organization_members (
    org_id uuid REFERENCES organizations (id) ON DELETE CASCADE,
    user_id uuid REFERENCES auth.users (id) ON DELETE CASCADE,
    role text DEFAULT 'member' CHECK (role IN ('owner', 'admin', 'member')),
    joined_at timestamptz DEFAULT now(),
    PRIMARY KEY (org_id, user_id)
);

-- The primary key covers org_id; user_id needs its own index ("don't forget indexes on foreign keys").
CREATE INDEX IF NOT EXISTS organization_members_user_id_idx ON organization_members (user_id);

ALTER TABLE conversations ADD COLUMN IF NOT EXISTS organization_id uuid REFERENCES organizations (id) ON DELETE SET NULL;
CREATE INDEX IF NOT EXISTS conversations_organization_id_idx ON conversations (organization_id);

ALTER TABLE organizations ENABLE ROW LEVEL SECURITY;
ALTER TABLE organization_members ENABLE ROW LEVEL SECURITY;

-- Membership checks run with the definer's rights, so that policies on
-- organization_members do not recurse into themselves.
CREATE OR REPLACE FUNCTION is_org_member(org uuid) RETURNS boolean
    LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public
    AS $$ SELECT EXISTS (SELECT 1 FROM organization_members m WHERE m.org_id = org AND m.user_id = auth.uid()) $$;

CREATE OR REPLACE FUNCTION is_org_admin(org uuid) RETURNS boolean
    LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public
    AS $$ SELECT EXISTS (SELECT 1 FROM organization_members m WHERE m.org_id = org AND m.user_id = auth.uid()
                         AND m.role IN ('owner', 'admin')) $$;

DROP POLICY IF EXISTS organizations_member_read ON organizations;
CREATE POLICY organizations_member_read ON organizations FOR SELECT TO authenticated
    USING (owner_id = auth.uid() OR is_org_member(id));
DROP POLICY IF EXISTS organizations_owner_write ON organizations;
CREATE POLICY organizations_owner_write ON organizations FOR ALL TO authenticated
    USING (owner_id = auth.uid()) WITH CHECK (owner_id = auth.uid());
DROP POLICY IF EXISTS organization_members_read ON organization_members;
CREATE POLICY organization_members_read ON organization_members FOR SELECT TO authenticated
    USING (user_id = auth.uid() OR is_org_member(org_id));
DROP POLICY IF EXISTS organization_members_admin_write ON organization_members;
CREATE POLICY organization_members_admin_write ON organization_members FOR ALL TO authenticated
    USING (is_org_admin(org_id)) WITH CHECK (is_org_admin(org_id));
DROP POLICY IF EXISTS conversations_org_read ON conversations;
CREATE POLICY conversations_org_read ON conversations FOR SELECT TO authenticated
    USING (organization_id IS NOT NULL AND is_org_member(organization_id));
