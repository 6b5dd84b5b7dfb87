using System.Runtime.InteropServices;
using System.Security.Cryptography.X509Certificates;

namespace Dotcat.Tls;

/// <summary>
/// Keeps .NET from reading the system's trust store in a run that does not trust it (<c>--ssl-trustfile</c>,
/// <c>--ssl-fingerprint</c>, <c>--ssl-insecure</c>, a listener's <c>--ssl-verify-client</c>). On Linux the first
/// certificate chain .NET builds loads the whole system store, whatever the chain's trust mode (its intermediates
/// always join the lookup): on Debian the 150-certificate bundle, then every file of <c>/etc/ssl/certs</c> again, some
/// 70-90 ms of a TLS client's start, more than the rest of its run. Where that store lives comes from
/// <c>SSL_CERT_FILE</c> and <c>SSL_CERT_DIR</c>, read by that first load only; so the first load happens here, with
/// both pointing at nothing, and both are put back at once (an <c>--exec</c> child sees the environment it was given).
/// </summary>
internal static partial class UnusedSystemTrust
{
    private static readonly string[] Variables = ["SSL_CERT_FILE", "SSL_CERT_DIR"];
    private static int s_done;

    /// <summary>Call before the run's first handshake; once per process (later calls do nothing).</summary>
    public static void LeaveUnread()
    {
        if (!OperatingSystem.IsLinux() || Interlocked.Exchange(ref s_done, 1) == 1)
            return;
        string?[] saved = [.. Variables.Select(Environment.GetEnvironmentVariable)];
        try
        {
            foreach (string name in Variables)
                SetEnv(name, "", overwrite: 1);
            // Opening the machine's root store is that first load: with both variables empty it reads no file.
            using var store = new X509Store(StoreName.Root, StoreLocation.LocalMachine);
            store.Open(OpenFlags.ReadOnly);
            _ = store.Certificates.Count;
        }
        catch (Exception e) when (e is System.Security.Cryptography.CryptographicException or PlatformNotSupportedException)
        {
            // No store at all: the handshake's chain works without one.
        }
        finally
        {
            for (int i = 0; i < Variables.Length; i++)
            {
                if (saved[i] is { } value)
                    SetEnv(Variables[i], value, overwrite: 1);
                else
                    UnsetEnv(Variables[i]);
            }
        }
    }

    // The native environment: OpenSSL's shim reads it with getenv(3); Environment.SetEnvironmentVariable would not reach it.
    [LibraryImport("libc", EntryPoint = "setenv", StringMarshalling = StringMarshalling.Utf8)]
    private static partial int SetEnv(string name, string value, int overwrite);

    [LibraryImport("libc", EntryPoint = "unsetenv", StringMarshalling = StringMarshalling.Utf8)]
    private static partial int UnsetEnv(string name);
}
