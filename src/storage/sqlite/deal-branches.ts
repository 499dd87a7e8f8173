// SQL for the `deal_branches` table (migration 8): where a deal can be redeemed, in the feed's
// order. Written only inside a feed snapshot's transaction (deals.ts), read only by a deal's own
// page (deal-search.ts findDetail); listings never join it.
import type { Branch } from '../../../crawlers/types';
import type { SqliteDatabase } from './database';

interface BranchRow {
  name: string | null;
  address: string | null;
  phone: string | null;
  district: string | null;
  lat: number | null;
  lng: number | null;
}

export interface DealBranches {
  /** Makes the deal's branches exactly `branches`. Call inside the snapshot's transaction. */
  replace(dealId: number, branches: readonly Branch[]): void;
  /** Stores the branches of a deal that has none yet (a new deal). */
  add(dealId: number, branches: readonly Branch[]): void;
  forDeal(dealId: number): Branch[];
}

export function createDealBranches(db: SqliteDatabase): DealBranches {
  const remove = db.prepare<[number]>('DELETE FROM deal_branches WHERE deal_id = ?');
  const insert = db.prepare<BranchRow & { deal_id: number; position: number }>(`
    INSERT INTO deal_branches (deal_id, position, name, address, phone, district, lat, lng)
    VALUES (@deal_id, @position, @name, @address, @phone, @district, @lat, @lng)`);
  // Uses the primary key (deal_id, position): the rows come out in order without a sort.
  const forDeal = db.prepare<[number], BranchRow>(
    'SELECT name, address, phone, district, lat, lng FROM deal_branches WHERE deal_id = ? ORDER BY position');

  const add = (dealId: number, branches: readonly Branch[]) => {
    branches.forEach((branch, position) => {
      insert.run({
        deal_id: dealId, position, name: branch.name, address: branch.address, phone: branch.phone,
        district: branch.district, lat: branch.lat, lng: branch.lng,
      });
    });
  };

  return {
    add,
    replace(dealId, branches) {
      remove.run(dealId);
      add(dealId, branches);
    },
    forDeal(dealId) {
      return forDeal.all(dealId).map((row) => ({
        name: row.name, address: row.address, phone: row.phone, district: row.district, lat: row.lat, lng: row.lng,
      }));
    },
  };
}
