import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { migrate } from '../../db/migrate.js';
import { groupMembers, passkeys, roleBindings, secondFactors, userGroups } from '../../db/schema.js';
import { silentLogger } from '../../log.js';
import { backends, type TestDatabase } from '../../testing/databases.js';
import { createUser } from '../users.js';
import { mustEnrolSecondFactor, setRoleRequiresSecondFactor } from './service.js';

// The gate's one query must say what roleRequiresSecondFactor && !hasSecondFactor said, for
// every way a role reaches a user (own built-in role, a direct binding, a group's binding) and
// every way a factor counts (confirmed TOTP, passkey; a pending enrolment does not).
const pglite = backends.find((b) => b.name === 'pglite');
assert.ok(pglite);

describe('mustEnrolSecondFactor', () => {
  let database: TestDatabase;
  before(async () => {
    database = await pglite.open();
    await migrate(database.db, silentLogger());
  });
  after(() => database.close());

  it('follows the role requirement through own role, bindings and groups, and the factors a user has', async () => {
    const { db } = database;
    const must = (id: string) => mustEnrolSecondFactor(db, id);
    const editor = await createUser(db, { username: 'ed', password: 'a long test password', role: 'editor' });
    const viewer = await createUser(db, { username: 'vi', password: 'a long test password', role: 'viewer' });
    const member = await createUser(db, { username: 'gm', password: 'a long test password', role: 'viewer' });
    const bound = await createUser(db, { username: 'bo', password: 'a long test password', role: 'viewer' });

    assert.equal(await must(editor.id), false, 'no role requires 2FA yet');
    await setRoleRequiresSecondFactor(db, 'editor', true);
    assert.equal(await must(editor.id), true, 'own built-in role');
    assert.equal(await must(viewer.id), false, 'viewers are not required');

    const roleKey = 'c0ffee00-0000-4000-8000-000000000001';
    await setRoleRequiresSecondFactor(db, roleKey, true);
    const [group] = await db.insert(userGroups).values({ name: 'ops' }).returning();
    assert.ok(group);
    await db.insert(groupMembers).values({ groupId: group.id, userId: member.id });
    await db.insert(roleBindings).values({ roleKey, groupId: group.id });
    await db.insert(roleBindings).values({ roleKey, userId: bound.id });
    assert.equal(await must(member.id), true, 'through a group binding');
    assert.equal(await must(bound.id), true, 'through a direct binding');
    assert.equal(await must(viewer.id), false, 'not in the group, not bound');

    await db.insert(secondFactors).values({ userId: editor.id, totpSecretSealed: 'x' });
    assert.equal(await must(editor.id), true, 'a pending TOTP enrolment is not a factor');
    await db
      .insert(secondFactors)
      .values({ userId: member.id, totpSecretSealed: 'x', confirmedAt: new Date() });
    assert.equal(await must(member.id), false, 'a confirmed TOTP is');
    await db
      .insert(passkeys)
      .values({ userId: bound.id, credentialId: 'cred-1', publicKey: 'pk', name: 'key' });
    assert.equal(await must(bound.id), false, 'a passkey is');

    await setRoleRequiresSecondFactor(db, 'editor', false);
    assert.equal(await must(editor.id), false, 'requirement lifted');
  });
});
