-- Campaign categories get their list order and an update time; campaigns get photos (many) and a brand icon (one).

ALTER TABLE campaigns.categories ADD COLUMN updated_at timestamptz NOT NULL DEFAULT now();
-- CAT-02 lists by sort order unless told otherwise.
CREATE INDEX categories_list_idx ON campaigns.categories (store_id, sort_order, id);

-- Campaign photos (CMP-19…21), kept in the database so that every replica serves them. `position` keeps the
-- upload order the details show them in.
CREATE TABLE campaigns.campaign_photos (
    store_id uuid NOT NULL,
    id uuid NOT NULL,
    campaign_id uuid NOT NULL,
    original_name text NOT NULL,
    mime text NOT NULL,
    size integer NOT NULL,
    data bytea NOT NULL,
    position bigint GENERATED ALWAYS AS IDENTITY,
    created_at timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT campaign_photos_pkey PRIMARY KEY (store_id, id),
    CONSTRAINT campaign_photos_campaign_fkey FOREIGN KEY (store_id, campaign_id)
        REFERENCES campaigns.campaigns (store_id, id) ON DELETE CASCADE
);
CREATE INDEX campaign_photos_campaign_idx ON campaigns.campaign_photos (store_id, campaign_id, position);

-- The brand icon (CMP-12…14): at most one per campaign, a new upload replaces it.
CREATE TABLE campaigns.brand_icons (
    store_id uuid NOT NULL,
    campaign_id uuid NOT NULL,
    original_name text NOT NULL,
    mime text NOT NULL,
    size integer NOT NULL,
    data bytea NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT brand_icons_pkey PRIMARY KEY (store_id, campaign_id),
    CONSTRAINT brand_icons_campaign_fkey FOREIGN KEY (store_id, campaign_id)
        REFERENCES campaigns.campaigns (store_id, id) ON DELETE CASCADE
);
