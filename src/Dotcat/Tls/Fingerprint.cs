using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace Dotcat.Tls;

/// <summary>
/// A certificate's SHA-256 fingerprint: what a listener prints at <c>-v</c> and what <c>--ssl-fingerprint</c> pins.
/// Written as <c>openssl x509 -fingerprint -sha256</c> does (upper-case hex pairs joined by colons), so either tool's
/// output can be pasted into the other.
/// </summary>
internal sealed class Fingerprint : IEquatable<Fingerprint>
{
    private const int Length = 32;
    private readonly byte[] _hash;

    private Fingerprint(byte[] hash) => _hash = hash;

    /// <summary>The 32 bytes of the hash (what the options carry: Model knows no TLS types).</summary>
    public ReadOnlyMemory<byte> Hash => _hash;

    /// <summary>A fingerprint from <see cref="Hash"/>'s bytes.</summary>
    public static Fingerprint FromHash(ReadOnlySpan<byte> hash) =>
        hash.Length == Length ? new(hash.ToArray()) : throw new ArgumentException("a SHA-256 hash is 32 bytes", nameof(hash));

    public static Fingerprint Of(X509Certificate2 certificate) => new(SHA256.HashData(certificate.RawDataMemory.Span));

    /// <summary>
    /// Reads <c>AB:CD:...</c>, <c>abcd...</c> or a pasted <c>SHA256 Fingerprint=AB:CD:...</c> line (colons optional,
    /// any case). On bad input, <paramref name="error"/> is the one-line usage message.
    /// </summary>
    public static bool TryParse(string text, out Fingerprint? fingerprint, out string? error)
    {
        fingerprint = null;
        string hex = text.Trim();
        foreach (string prefix in (ReadOnlySpan<string>)["SHA256 Fingerprint=", "sha256 Fingerprint=", "SHA256:", "SHA256="])
        {
            if (hex.StartsWith(prefix, StringComparison.OrdinalIgnoreCase))
            {
                hex = hex[prefix.Length..].Trim();
                break;
            }
        }
        hex = hex.Replace(":", "", StringComparison.Ordinal);
        if (hex.Length != Length * 2 || !hex.All(char.IsAsciiHexDigit))
        {
            error = $"--ssl-fingerprint: expected a SHA-256 fingerprint (64 hex digits, colons optional), got '{text}'";
            return false;
        }
        fingerprint = new Fingerprint(Convert.FromHexString(hex));
        error = null;
        return true;
    }

    public override string ToString() => string.Join(':', _hash.Select(b => b.ToString("X2", null)));

    public bool Equals(Fingerprint? other) => other is not null && CryptographicOperations.FixedTimeEquals(_hash, other._hash);

    public override bool Equals(object? obj) => obj is Fingerprint other && Equals(other);

    public override int GetHashCode() => BitConverter.ToInt32(_hash);
}
