using System.Net;
using System.Net.Sockets;
using System.Runtime.InteropServices;
using Dotcat.Diagnostics;
using Dotcat.Relay;

namespace Dotcat.Transports;

/// <summary>
/// Unix domain sockets: paths turned into endpoints with clear errors, listeners that only ever replace a stale socket
/// file, and the temporary address a datagram client binds so that replies can reach it.
/// </summary>
internal static partial class UnixSockets
{
    private const int Backlog = 512;

    /// <summary>The endpoint for a path; <c>@name</c> is Linux's abstract namespace (the binder allows it only there).</summary>
    public static UnixDomainSocketEndPoint EndPoint(string path)
    {
        try
        {
            return UnixPaths.ToEndPoint(path);
        }
        catch (ArgumentException)
        {
            throw new DotcatException($"cannot use {path}: too long for a Unix socket path (at most {MaxPathBytes} bytes)");
        }
    }

    /// <summary>sun_path's size less its terminating NUL (108 on Linux and Windows, 104 on macOS and the BSDs).</summary>
    public static int MaxPathBytes => OperatingSystem.IsLinux() || OperatingSystem.IsWindows() ? 107 : 103;

    /// <summary>Connects to <paramref name="path"/>; a datagram socket first binds an address of its own (see <see cref="TemporaryAddress"/>).</summary>
    public static async Task<(Socket Socket, IDisposable? Owned)> ConnectAsync(string path, SocketType type, TimeSpan? timeout, CancellationToken cancellationToken, string? ownPath = null)
    {
        UnixDomainSocketEndPoint endPoint = EndPoint(path);
        var socket = NewSocket(type);
        TemporaryAddress? own = null;
        using CancellationTokenSource deadline = Deadline.After(timeout, cancellationToken);
        try
        {
            // A datagram client needs an address of its own for replies: the one -s names (removed with the socket), or a temporary one.
            if (ownPath is not null)
                socket.Bind(EndPoint(ownPath));
            else if (type == SocketType.Dgram)
                own = TemporaryAddress.BindTo(socket);
            await socket.ConnectAsync(endPoint, deadline.Token);
            return (socket, own);
        }
        catch (Exception e)
        {
            // Any failure: close what was opened, then rethrow it (in our words below).
            socket.Dispose();
            own?.Dispose();
            throw e switch
            {
                SocketException s => new DotcatException($"cannot connect to {path}: {Describe(s.SocketErrorCode, binding: false)}", ExitCodes.Failure, s),
                OperationCanceledException when Deadline.Expired(e, cancellationToken) =>
                    new DotcatException($"cannot connect to {path}: timed out"),
                _ => e,
            };
        }
    }

    /// <summary>
    /// Binds (and for streams, listens on) <paramref name="path"/>. A socket file already there is replaced only with
    /// <paramref name="replaceStale"/> and only when no one listens on it; a live socket or any other file is never touched.
    /// Disposing the socket removes the file (.NET unlinks what a socket bound).
    /// </summary>
    public static async Task<Socket> ListenAsync(string path, SocketType type, bool replaceStale)
    {
        UnixDomainSocketEndPoint endPoint = EndPoint(path);
        var socket = NewSocket(type);
        try
        {
            try
            {
                socket.Bind(endPoint);
            }
            catch (SocketException e) when (e.SocketErrorCode == SocketError.AddressAlreadyInUse && !UnixPaths.IsAbstract(path))
            {
                await RemoveStaleAsync(path, type, replaceStale);
                socket.Bind(endPoint);
            }
            if (type == SocketType.Stream)
                socket.Listen(Backlog);
            return socket;
        }
        catch (SocketException e)
        {
            socket.Dispose();
            throw new DotcatException($"cannot listen on {path}: {Describe(e.SocketErrorCode, binding: true)}", ExitCodes.Failure, e);
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    private static async Task RemoveStaleAsync(string path, SocketType type, bool replaceStale)
    {
        if (!IsSocketFile(path))
            throw new DotcatException($"cannot listen on {path}: the file exists and is not a socket");
        if (!replaceStale)
            throw new DotcatException($"cannot listen on {path}: the socket file exists (--reuseaddr replaces it if no one listens on it)");
        if (await SomeoneListensAsync(path, type))
            throw new DotcatException($"cannot listen on {path}: another program is listening on it");
        File.Delete(path);
    }

    /// <summary>A connect that is refused means the file outlived its listener; anything else counts as alive.</summary>
    private static async Task<bool> SomeoneListensAsync(string path, SocketType type)
    {
        using var probe = NewSocket(type);
        using CancellationTokenSource timeout = Deadline.After(TimeSpan.FromSeconds(2), CancellationToken.None);
        try
        {
            await probe.ConnectAsync(UnixPaths.ToEndPoint(path), timeout.Token);
            return true;
        }
        catch (SocketException e)
        {
            return e.SocketErrorCode != SocketError.ConnectionRefused;
        }
        catch (OperationCanceledException)
        {
            return true;
        }
    }

    /// <summary>True only for a socket file: a Unix domain socket node, or Windows's AF_UNIX reparse point.</summary>
    public static bool IsSocketFile(string path)
    {
        if (OperatingSystem.IsWindows())
            return File.Exists(path) && File.GetAttributes(path).HasFlag(FileAttributes.ReparsePoint);
        // The runtime's own lstat shim reports the file type in a layout that is the same on every Unix.
        Span<byte> status = stackalloc byte[StatusBufferSize];
        if (LStat(path, ref MemoryMarshal.GetReference(status)) != 0)
            return false;
        int mode = BitConverter.ToInt32(status[4..8]);
        return (mode & FileTypeMask) == FileTypeSocket;
    }

    private static Socket NewSocket(SocketType type)
    {
        // Unix datagram sockets do not exist on Windows: the binder refuses -U -u there.
        var socket = new Socket(AddressFamily.Unix, type, ProtocolType.Unspecified);
        if (type == SocketType.Stream && !OperatingSystem.IsWindows())
        {
            // Unix stream sockets do not grow their buffers the way TCP does; at the default (about 200 KiB) a bulk
            // transfer stalls on every 1 MiB write. Accepted sockets inherit this from the listener.
            socket.SendBufferSize = StreamBuffer;
            socket.ReceiveBufferSize = StreamBuffer;
        }
        return socket;
    }

    private const int StreamBuffer = 1024 * 1024;

    /// <summary>Unix errors in the words a user needs: ENOENT (reported as AddressNotAvailable) means a missing file or directory.</summary>
    private static string Describe(SocketError error, bool binding) => error switch
    {
        SocketError.AddressNotAvailable when binding => "the directory does not exist",
        SocketError.AddressNotAvailable => "no such socket file",
        SocketError.AddressAlreadyInUse => "the address is in use",
        _ => SocketErrors.Describe(error),
    };

    // System.Native's FileStatus: Flags (int32), then Mode (int32) whose type bits are normalized to these values.
    private const int FileTypeMask = 0xF000;
    private const int FileTypeSocket = 0xC000;
    private const int StatusBufferSize = 512;

    [LibraryImport("libSystem.Native", EntryPoint = "SystemNative_LStat", StringMarshalling = StringMarshalling.Utf8, SetLastError = true)]
    private static partial int LStat(string path, ref byte status);

    /// <summary>
    /// The address a Unix datagram client binds so the peer can reply: an abstract name on Linux (nothing to clean up),
    /// a socket file in a fresh private directory elsewhere, both removed when disposed.
    /// </summary>
    public sealed class TemporaryAddress : IDisposable
    {
        private readonly string? _directory;

        private TemporaryAddress(string? directory) => _directory = directory;

        public static TemporaryAddress BindTo(Socket socket)
        {
            if (OperatingSystem.IsLinux())
            {
                socket.Bind(new UnixDomainSocketEndPoint($"\0dotcat-{Environment.ProcessId}-{Guid.NewGuid():N}"));
                return new TemporaryAddress(null);
            }
            DirectoryInfo directory = Directory.CreateTempSubdirectory("dotcat");
            try
            {
                socket.Bind(new UnixDomainSocketEndPoint(Path.Combine(directory.FullName, "c")));
            }
            catch
            {
                directory.Delete(recursive: true);
                throw;
            }
            return new TemporaryAddress(directory.FullName);
        }

        /// <summary>Call after the socket is disposed (which unlinks the file).</summary>
        public void Dispose()
        {
            if (_directory is null)
                return;
            try
            {
                Directory.Delete(_directory, recursive: true);
            }
            catch (IOException)
            {
                // Best effort: a leftover empty temporary directory is harmless.
            }
        }
    }

    /// <summary>The peer's address is empty when it never bound one (it can send to us, but we cannot answer).</summary>
    public static bool IsUnnamed(EndPoint endPoint) =>
        endPoint is UnixDomainSocketEndPoint && string.IsNullOrEmpty(endPoint.ToString());
}
