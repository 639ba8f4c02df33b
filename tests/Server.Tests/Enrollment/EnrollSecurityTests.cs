using System.Diagnostics;
using GuruConnect.Server.Enrollment;

namespace GuruConnect.Server.Tests.Enrollment;

[Collection(TimingGroup.Name)]
public sealed class EnrollSecurityTests
{
    /// <summary>docs/security.md §12: the three rejection paths' median times are within 25 % of each other over ≥ 20 tries each.</summary>
    [Theory, MemberData(nameof(Databases.Both), MemberType = typeof(Databases))]
    public async Task Rejection_paths_take_the_same_time(DbKind db)
    {
        await using var server = await GuruServer.StartAsync(db, "--Enrollment:FailuresBeforeLockout=100000", "--Enrollment:RequestsPerWindow=100000");
        using var admin = await server.AdminClientAsync();
        var site = await admin.CreateSiteWithKeyAsync("ACME-PHX");
        (await admin.PostAsJsonAsync("/api/sites", new { siteCode = "NO-KEY" })).Dispose();
        var wrong = "cek_" + new string('7', 64);
        var paths = new Dictionary<string, object>
        {
            ["unknown site"] = new { siteCode = "NOPE", enrollmentKey = wrong, machineUid = "u", hostname = "h" },
            ["no active key"] = new { siteCode = "NO-KEY", enrollmentKey = wrong, machineUid = "u", hostname = "h" },
            ["wrong key"] = new { siteCode = "ACME-PHX", enrollmentKey = wrong, machineUid = "u", hostname = "h" },
        };
        // Other test processes share the 2 cores, so a noisy round is measured again (up to 3 rounds).
        // A real difference (one path skipping Argon2id) is 10x and survives any round; noise does not.
        Dictionary<string, double> medians = [];
        var spread = double.MaxValue;
        for (var round = 0; round < 3 && spread >= 1.25; round++)
        {
            var samples = paths.Keys.ToDictionary(k => k, _ => new List<double>());
            foreach (var body in paths.Values)
            {
                (await server.Client.EnrollAsync(body)).Dispose();
            }

            for (var i = 0; i < 30; i++)
            {
                foreach (var (name, body) in paths)
                {
                    var started = Stopwatch.GetTimestamp();
                    using var response = await server.Client.EnrollAsync(body);
                    samples[name].Add(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
                    response.StatusCode.ShouldBe(HttpStatusCode.Unauthorized);
                }
            }

            medians = samples.ToDictionary(s => s.Key, s => Median(s.Value));
            spread = medians.Values.Max() / medians.Values.Min();
        }

        spread.ShouldBeLessThan(1.25, string.Join(", ", medians.Select(m => $"{m.Key}: {m.Value:F1} ms")));
    }

    [Theory, MemberData(nameof(Databases.Both), MemberType = typeof(Databases))]
    public async Task A_cached_verification_never_accepts_a_wrong_key_another_sites_key_or_an_older_version(DbKind db)
    {
        await using var server = await GuruServer.StartAsync(db);
        using var admin = await server.AdminClientAsync();
        var a = await admin.CreateSiteWithKeyAsync("SITE-A");
        var b = await admin.CreateSiteWithKeyAsync("SITE-B");
        var argon2 = server.Services.GetRequiredService<GuruConnect.Server.Auth.Argon2id>();

        await server.Client.EnrollOkAsync(a.Enrollment("uid-1"));
        await server.Client.EnrollOkAsync(b.Enrollment("uid-2"));
        var before = argon2.Verifications;
        await server.Client.EnrollOkAsync(a.Enrollment("uid-3"));
        (argon2.Verifications - before).ShouldBe(0, "the second use of a verified key is served from the cache");

        // Wrong key at a cached site: full KDF, rejected.
        before = argon2.Verifications;
        (await server.Client.EnrollAsync(a.Enrollment("uid-4", key: a.Key[..^1] + (a.Key[^1] == '0' ? '1' : '0')))).StatusCode.ShouldBe(HttpStatusCode.Unauthorized);
        (argon2.Verifications - before).ShouldBe(1);
        // Site B's (cached) key presented for site A.
        (await server.Client.EnrollAsync(a.Enrollment("uid-5", key: b.Key))).StatusCode.ShouldBe(HttpStatusCode.Unauthorized);
        // After rotation the cached old version is refused.
        var newKey = await admin.RotateKeyAsync(a.Id);
        (await server.Client.EnrollAsync(a.Enrollment("uid-6"))).StatusCode.ShouldBe(HttpStatusCode.Unauthorized);
        await server.Client.EnrollOkAsync(a.Enrollment("uid-6", key: newKey));
    }

    [Fact]
    public void The_cache_is_bound_to_site_and_version_and_expires()
    {
        var clock = new ManualClock();
        var cache = new VerifiedKeyCache(clock);
        var site = Guid.NewGuid();
        cache.Remember("cek_right", site, 3);

        cache.IsVerified("cek_right", site, 3).ShouldBeTrue();
        cache.IsVerified("cek_wrong", site, 3).ShouldBeFalse();
        cache.IsVerified("cek_right", Guid.NewGuid(), 3).ShouldBeFalse();
        cache.IsVerified("cek_right", site, 4).ShouldBeFalse();
        clock.Advance(VerifiedKeyCache.Lifetime);
        cache.IsVerified("cek_right", site, 3).ShouldBeFalse();

        cache.Remember("cek_right", site, 3);
        cache.Invalidate(site);
        cache.IsVerified("cek_right", site, 3).ShouldBeFalse();
    }

    [Fact]
    public async Task Concurrent_first_uses_of_a_key_share_one_verification_but_wrong_keys_each_pay()
    {
        var cache = new VerifiedKeyCache(new ManualClock());
        var site = Guid.NewGuid();
        var verifications = 0;
        var release = new TaskCompletionSource();
        async Task<bool> Verify(bool result)
        {
            Interlocked.Increment(ref verifications);
            await release.Task;
            return result;
        }

        var right = Enumerable.Range(0, 20).Select(_ => cache.VerifyAsync("cek_right", site, 1, () => Verify(true))).ToList();
        release.SetResult();
        (await Task.WhenAll(right)).ShouldAllBe(ok => ok);
        verifications.ShouldBe(1);

        verifications = 0;
        release = new TaskCompletionSource();
        var wrong = Enumerable.Range(0, 20).Select(_ => cache.VerifyAsync("cek_wrong", site, 1, () => Verify(false))).ToList();
        release.SetResult();
        (await Task.WhenAll(wrong)).ShouldAllBe(ok => !ok);
        verifications.ShouldBe(20);
    }

    private static double Median(List<double> values)
    {
        var sorted = values.Order().ToList();
        return sorted.Count % 2 == 1 ? sorted[sorted.Count / 2] : (sorted[(sorted.Count / 2) - 1] + sorted[sorted.Count / 2]) / 2;
    }
}
