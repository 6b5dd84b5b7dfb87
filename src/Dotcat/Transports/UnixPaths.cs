using System.Net;
using System.Net.Sockets;

namespace Dotcat.Transports;

/// <summary>Unix socket path spelling: <c>@name</c> is Linux's abstract namespace, a leading NUL on the wire.</summary>
internal static class UnixPaths
{
    public static bool IsAbstract(string path) => path.StartsWith('@');

    public static UnixDomainSocketEndPoint ToEndPoint(string path) =>
        new(IsAbstract(path) ? "\0" + path[1..] : path);

    /// <summary>The path as the user wrote it: an abstract name prints as <c>@name</c>.</summary>
    public static string Display(EndPoint endPoint)
    {
        string text = endPoint.ToString() ?? "";
        if (text.Length == 0)
            return "(unnamed)";   // a client socket that bound no address
        return text.StartsWith('\0') ? "@" + text[1..] : text;
    }
}
