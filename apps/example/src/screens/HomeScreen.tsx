/** Home: who is signed in, the passkey offer after sign-up, the user's passkeys (delete, add), sign out. */
import { StyleSheet, Text, View } from 'react-native';
import {
  Button,
  colors,
  ErrorMessage,
  Loading,
  Notice,
  Paragraph,
  Screen,
  Subheading,
} from '../components/ui';
import type { CurrentUser, PasskeyItem } from '../services/types';

export type PasskeyList =
  | { status: 'loading' }
  | { status: 'error'; message: string }
  | { status: 'ready'; items: PasskeyItem[] };

export interface HomeScreenProps {
  user: CurrentUser;
  /** The offer right after the first sign-in (the sign-up flow's `passkeyOffer`). */
  offer?: { creating: boolean; error?: string | undefined } | undefined;
  onAcceptOffer: () => void;
  onDeclineOffer: () => void;
  passkeys: PasskeyList;
  onReloadPasskeys: () => void;
  /** The passkey being deleted. */
  deletingId?: string | undefined;
  onDelete: (passkey: PasskeyItem) => void;
  /** "Create a passkey" later (flow 2.4, a token from the backend). */
  adding: boolean;
  onAddPasskey: () => void;
  /** The outcome of the last passkey action. */
  notice?: string | undefined;
  error?: string | undefined;
  signingOut: boolean;
  onSignOut: () => void;
}

function formatDate(iso: string | undefined): string | undefined {
  if (!iso) return undefined;
  const date = new Date(iso);
  return Number.isNaN(date.getTime()) ? undefined : date.toISOString().slice(0, 16).replace('T', ' ');
}

function PasskeyRow({
  passkey,
  deleting,
  disabled,
  onDelete,
}: {
  passkey: PasskeyItem;
  deleting: boolean;
  disabled: boolean;
  onDelete: () => void;
}) {
  const created = formatDate(passkey.createdAt);
  const used = formatDate(passkey.lastUsedAt);
  return (
    <View role="listitem" style={styles.item}>
      <View style={styles.itemText}>
        <Text style={styles.itemName}>{passkey.name}</Text>
        <Text style={styles.itemDetail}>
          {[
            created && `Created ${created} UTC`,
            used && `last used ${used} UTC`,
            passkey.backedUp ? 'synced' : 'this device only',
          ]
            .filter(Boolean)
            .join(' · ')}
        </Text>
      </View>
      <Button
        label="Delete"
        busyLabel="Deleting…"
        variant="danger"
        accessibleName={`Delete passkey ${passkey.name}`}
        busy={deleting}
        disabled={disabled}
        onPress={onDelete}
      />
    </View>
  );
}

export function HomeScreen(props: HomeScreenProps) {
  const { user, offer, passkeys, deletingId, adding, signingOut } = props;
  const busy = adding || signingOut || deletingId !== undefined || offer?.creating === true;
  return (
    <Screen title="Home">
      <Paragraph>
        Signed in as <Text style={styles.strong}>{user.email}</Text>
      </Paragraph>
      {offer ? (
        <View style={styles.card} role="region" aria-label="Create a passkey">
          <Subheading>Sign in faster next time</Subheading>
          <Paragraph>
            Create a passkey on this device and sign in with your face, fingerprint or screen lock, without a
            code.
          </Paragraph>
          <ErrorMessage message={offer.error} />
          <Button
            label="Create a passkey"
            busyLabel="Creating the passkey…"
            busy={offer.creating}
            disabled={busy && !offer.creating}
            onPress={props.onAcceptOffer}
          />
          <Button label="Not now" variant="link" disabled={busy} onPress={props.onDeclineOffer} />
        </View>
      ) : null}
      <Notice message={props.notice} />
      <ErrorMessage message={props.error} />
      <Subheading>Your passkeys</Subheading>
      {passkeys.status === 'loading' ? <Loading label="Loading your passkeys…" /> : null}
      {passkeys.status === 'error' ? (
        <>
          <ErrorMessage message={passkeys.message} />
          <Button label="Try again" variant="secondary" onPress={props.onReloadPasskeys} />
        </>
      ) : null}
      {passkeys.status === 'ready' && passkeys.items.length === 0 ? (
        <Paragraph muted>No passkeys yet. You sign in with a code sent to your email.</Paragraph>
      ) : null}
      {passkeys.status === 'ready' && passkeys.items.length > 0 ? (
        <View role="list" aria-label="Your passkeys" style={styles.list}>
          {passkeys.items.map((passkey) => (
            <PasskeyRow
              key={passkey.id}
              passkey={passkey}
              deleting={deletingId === passkey.id}
              disabled={busy}
              onDelete={() => props.onDelete(passkey)}
            />
          ))}
        </View>
      ) : null}
      {offer ? null : (
        <Button
          label="Create a passkey"
          busyLabel="Creating the passkey…"
          variant="secondary"
          busy={adding}
          disabled={busy && !adding}
          onPress={props.onAddPasskey}
        />
      )}
      <Button
        label="Sign out"
        busyLabel="Signing out…"
        variant="link"
        busy={signingOut}
        disabled={busy && !signingOut}
        onPress={props.onSignOut}
      />
    </Screen>
  );
}

const styles = StyleSheet.create({
  strong: { fontWeight: '700' },
  card: { gap: 12, padding: 16, borderRadius: 12, borderWidth: 1, borderColor: colors.primary },
  list: { gap: 8 },
  item: {
    flexDirection: 'row',
    alignItems: 'center',
    gap: 12,
    padding: 12,
    borderRadius: 8,
    borderWidth: 1,
    borderColor: colors.border,
  },
  itemText: { flex: 1, gap: 2 },
  itemName: { fontSize: 16, fontWeight: '600', color: colors.text },
  itemDetail: { fontSize: 13, color: colors.muted },
});
