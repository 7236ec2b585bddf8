/** Small accessible building blocks: screen frame, heading, text field, buttons, messages. */
import type { ReactNode } from 'react';
import {
  ActivityIndicator,
  Pressable,
  ScrollView,
  StyleSheet,
  Text,
  TextInput,
  type TextInputProps,
  View,
} from 'react-native';

export const colors = {
  text: '#1b1f24',
  muted: '#57606a',
  primary: '#0b57d0',
  primaryText: '#ffffff',
  border: '#8c959f',
  error: '#b3261e',
  errorBackground: '#fdecea',
  info: '#0b57d0',
  infoBackground: '#e8f0fe',
  background: '#ffffff',
};

export function Screen({ title, children }: { title: string; children: ReactNode }) {
  return (
    <ScrollView contentContainerStyle={styles.screen} keyboardShouldPersistTaps="handled">
      <View style={styles.column}>
        <Text role="heading" aria-level={1} style={styles.title}>
          {title}
        </Text>
        {children}
      </View>
    </ScrollView>
  );
}

export function Paragraph({ children, muted }: { children: ReactNode; muted?: boolean }) {
  return <Text style={[styles.paragraph, muted ? styles.muted : null]}>{children}</Text>;
}

export function Subheading({ children }: { children: ReactNode }) {
  return (
    <Text role="heading" aria-level={2} style={styles.subheading}>
      {children}
    </Text>
  );
}

interface ButtonProps {
  label: string;
  onPress: () => void;
  /** Shown instead of the label (with a spinner) while the action runs. */
  busyLabel?: string;
  busy?: boolean;
  disabled?: boolean;
  variant?: 'primary' | 'secondary' | 'link' | 'danger';
  /** The accessible name, when it should say more than the visible label. */
  accessibleName?: string;
}

export function Button({
  label,
  onPress,
  busyLabel,
  busy = false,
  disabled = false,
  variant = 'primary',
  accessibleName,
}: ButtonProps) {
  const inactive = busy || disabled;
  const textStyle =
    variant === 'primary' ? styles.primaryText : variant === 'danger' ? styles.dangerText : styles.linkText;
  return (
    <Pressable
      role="button"
      aria-label={accessibleName ?? label}
      aria-busy={busy}
      aria-disabled={inactive}
      disabled={inactive}
      onPress={onPress}
      style={({ pressed }) => [
        styles.button,
        variant === 'primary' && styles.primary,
        variant === 'secondary' && styles.secondary,
        variant === 'danger' && styles.danger,
        variant === 'link' && styles.link,
        inactive && styles.inactive,
        pressed && styles.pressed,
      ]}
    >
      {busy ? (
        <View style={styles.row}>
          <ActivityIndicator color={variant === 'primary' ? colors.primaryText : colors.primary} />
          <Text style={[textStyle, styles.busyText]}>{busyLabel ?? label}</Text>
        </View>
      ) : (
        <Text style={textStyle}>{label}</Text>
      )}
    </Pressable>
  );
}

interface FieldProps extends Omit<TextInputProps, 'style' | 'aria-label'> {
  label: string;
  /** Hint under the field. */
  hint?: string;
}

export function Field({ label, hint, ...input }: FieldProps) {
  return (
    <View style={styles.field}>
      <Text style={styles.label}>{label}</Text>
      <TextInput
        aria-label={label}
        placeholderTextColor={colors.muted}
        style={[styles.input, input.editable === false && styles.inactive]}
        {...input}
      />
      {hint ? <Text style={styles.hint}>{hint}</Text> : null}
    </View>
  );
}

/** An error the user should read: announced by screen readers (role alert). */
export function ErrorMessage({ message }: { message: string | undefined }) {
  if (!message) return null;
  return (
    <View accessible role="alert" aria-live="assertive" style={[styles.message, styles.errorMessage]}>
      <Text style={styles.errorText}>{message}</Text>
    </View>
  );
}

/** A neutral notice (why this screen shows, a code was sent…), announced politely. */
export function Notice({ message }: { message: string | undefined }) {
  if (!message) return null;
  return (
    <View accessible role="status" aria-live="polite" style={[styles.message, styles.noticeMessage]}>
      <Text style={styles.noticeText}>{message}</Text>
    </View>
  );
}

/** A busy indicator with a text that screen readers can read. */
export function Loading({ label }: { label: string }) {
  return (
    <View role="progressbar" aria-label={label} aria-busy style={styles.row}>
      <ActivityIndicator color={colors.primary} />
      <Text style={[styles.muted, styles.busyText]}>{label}</Text>
    </View>
  );
}

const styles = StyleSheet.create({
  screen: { flexGrow: 1, backgroundColor: colors.background, padding: 24, paddingTop: 64 },
  column: { width: '100%', maxWidth: 440, alignSelf: 'center', gap: 16 },
  title: { fontSize: 28, fontWeight: '700', color: colors.text },
  subheading: { fontSize: 20, fontWeight: '600', color: colors.text, marginTop: 8 },
  paragraph: { fontSize: 16, lineHeight: 22, color: colors.text },
  muted: { color: colors.muted },
  row: { flexDirection: 'row', alignItems: 'center', gap: 8 },
  button: {
    minHeight: 48,
    borderRadius: 8,
    paddingHorizontal: 16,
    alignItems: 'center',
    justifyContent: 'center',
  },
  primary: { backgroundColor: colors.primary },
  secondary: { borderWidth: 1, borderColor: colors.primary },
  danger: { borderWidth: 1, borderColor: colors.error, minHeight: 40 },
  link: { minHeight: 44 },
  inactive: { opacity: 0.6 },
  pressed: { opacity: 0.8 },
  primaryText: { color: colors.primaryText, fontSize: 16, fontWeight: '600' },
  linkText: { color: colors.primary, fontSize: 16, fontWeight: '600' },
  dangerText: { color: colors.error, fontSize: 15, fontWeight: '600' },
  busyText: { marginLeft: 4 },
  field: { gap: 6 },
  label: { fontSize: 15, fontWeight: '600', color: colors.text },
  hint: { fontSize: 14, color: colors.muted },
  input: {
    minHeight: 48,
    borderWidth: 1,
    borderColor: colors.border,
    borderRadius: 8,
    paddingHorizontal: 12,
    fontSize: 18,
    color: colors.text,
  },
  message: { borderRadius: 8, padding: 12 },
  errorMessage: { backgroundColor: colors.errorBackground },
  errorText: { color: colors.error, fontSize: 15, lineHeight: 21 },
  noticeMessage: { backgroundColor: colors.infoBackground },
  noticeText: { color: colors.info, fontSize: 15, lineHeight: 21 },
});
