namespace GuruConnect.Server.Data;

/// <summary>
/// The data folder of the embedded default: SQLite file and generated JWT secret live here.
/// <c>GURUCONNECT_DATA_DIR</c> (or config <c>DataDir</c>) overrides the default <c>./data</c>.
/// </summary>
internal sealed class ServerPaths(string dataDirectory)
{
    public string DataDirectory { get; } = Path.GetFullPath(dataDirectory);

    public string SqliteFile => Path.Combine(DataDirectory, "guruconnect.db");

    public string JwtSecretFile => Path.Combine(DataDirectory, "jwt-secret");

    public static ServerPaths FromConfiguration(IConfiguration configuration) =>
        new(configuration["GURUCONNECT_DATA_DIR"] ?? configuration["DataDir"] ?? "data");

    public void EnsureCreated()
    {
        if (Directory.Exists(DataDirectory))
        {
            return;
        }

        if (OperatingSystem.IsWindows())
        {
            Directory.CreateDirectory(DataDirectory);
        }
        else
        {
            Directory.CreateDirectory(DataDirectory, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        }
    }
}
