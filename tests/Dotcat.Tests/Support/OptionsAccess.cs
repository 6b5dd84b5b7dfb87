namespace Dotcat.Tests.Support;

/// <summary>Short reads of the options' endpoint, for assertions.</summary>
internal static class OptionsAccess
{
    public static Endpoint.Ip Ip(this DotcatOptions options) => (Endpoint.Ip)options.Endpoint;

    public static string UnixPath(this DotcatOptions options) => ((Endpoint.Unix)options.Endpoint).Path;
}
