using GuruConnect.Server.Machines;

namespace GuruConnect.Server.Tests.Machines;

/// <summary>docs/api.md "Search q": every attribute, field scopes, and AND across terms.</summary>
public sealed class MachineSearchTests
{
    private static async Task<GuruServer> FleetAsync(DbKind db)
    {
        var server = await GuruServer.StartAsync(db);
        using var admin = await server.AdminClientAsync();
        var phx = await admin.CreateSiteWithKeyAsync("ACME-PHX");
        var tuc = await admin.CreateSiteWithKeyAsync("ACME-TUC");
        var store = server.Services.GetRequiredService<MachineStore>();

        var (reception, _) = await server.Client.EnrollOkAsync(phx.Enrollment("uid-reception", "RECEPTION-01",
            new { company = "Acme Dental", site = "Phoenix North", department = "Front desk", deviceType = "workstation", tags = new[] { "kiosk", "lobby" } }));
        await store.UpdateInventoryAsync(reception, new MachineInventory("Windows 11 Pro", "23H2", "Intel i5", 4, 8L << 30, "Dell", "OptiPlex 7090",
            "SN-DELL-777", ["10.1.2.3"], ["00:11:22:33:44:55"], "203.0.113.10", "ACME\\jsmith", "America/Phoenix", 3600, false), CancellationToken.None);

        var (server1, _) = await server.Client.EnrollOkAsync(tuc.Enrollment("uid-server", "FILESRV",
            new { company = "Acme Dental", department = "IT", deviceType = "server", tags = new[] { "critical" } }));
        await store.UpdateInventoryAsync(server1, new MachineInventory("Ubuntu", "24.04 LTS", "Xeon", 16, 64L << 30, "HPE", "ProLiant",
            "SN-HPE-1", ["10.9.9.9"], ["aa:bb:cc:dd:ee:ff"], "198.51.100.7", "root", "UTC", 99, true), CancellationToken.None);

        var (laptop, _) = await server.Client.EnrollOkAsync(phx.Enrollment("uid-laptop", "DR-LAPTOP",
            new { company = "Bright Smiles", deviceType = "laptop", tags = new[] { "vip" } }));
        await store.UpdateInventoryAsync(laptop, new MachineInventory("Windows 10 Pro", "22H2", "Intel i7", 8, 16L << 30, "Lenovo", "X1",
            "SN-LEN-5", ["192.168.5.20"], ["12:34:56:78:9a:bc"], "203.0.113.99", "drjones", "America/Phoenix", 10, true), CancellationToken.None);
        return server;
    }

    private static async Task<List<string>> SearchAsync(HttpClient client, string q)
    {
        var page = await client.GetFromJsonAsync<JsonElement>($"/api/machines?q={Uri.EscapeDataString(q)}");
        return page.GetProperty("items").EnumerateArray().Select(m => m.GetProperty("hostname").GetString()!).Order().ToList();
    }

    [Theory, MemberData(nameof(Databases.Both), MemberType = typeof(Databases))]
    public async Task A_quoted_multi_word_company_matches_the_machines_label_or_its_sites_company_and_not_a_company_sharing_a_word(DbKind db)
    {
        await using var server = await GuruServer.StartAsync(db);
        using var admin = await server.AdminClientAsync();
        async Task<Fleet.Site> SiteOfAsync(string code, string company)
        {
            using var created = await admin.PostAsJsonAsync("/api/sites", new { siteCode = code, company });
            created.StatusCode.ShouldBe(HttpStatusCode.Created);
            var id = (await created.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetGuid();
            return new Fleet.Site(id, code, await admin.RotateKeyAsync(id));
        }

        var dental = await SiteOfAsync("DENTAL-1", "Acme Dental Group");
        var corp = await SiteOfAsync("CORP-1", "Acme Corp");
        await server.Client.EnrollOkAsync(dental.Enrollment("uid-1", "CHAIR-1"));
        await server.Client.EnrollOkAsync(corp.Enrollment("uid-2", "CORP-PC"));
        await server.Client.EnrollOkAsync(corp.Enrollment("uid-3", "LENT-PC", new { company = "Acme Dental Group" }));

        (await SearchAsync(admin, "company:\"Acme Dental Group\"")).ShouldBe(["CHAIR-1", "LENT-PC"]);
        (await SearchAsync(admin, "company:\"acme corp\"")).ShouldBe(["CORP-PC", "LENT-PC"], "LENT-PC is in Acme Corp's site");
        (await SearchAsync(admin, "company:Acme")).ShouldBe(["CHAIR-1", "CORP-PC", "LENT-PC"]);
    }

    [Theory, MemberData(nameof(Databases.Both), MemberType = typeof(Databases))]
    public async Task Field_scopes_match_only_their_fields(DbKind db)
    {
        await using var server = await FleetAsync(db);
        using var admin = await server.AdminClientAsync();

        (await SearchAsync(admin, "os:windows")).ShouldBe(["DR-LAPTOP", "RECEPTION-01"]);
        (await SearchAsync(admin, "os:24.04")).ShouldBe(["FILESRV"]);
        (await SearchAsync(admin, "user:jsmith")).ShouldBe(["RECEPTION-01"]);
        (await SearchAsync(admin, "ip:10.9.")).ShouldBe(["FILESRV"]);
        (await SearchAsync(admin, "ip:203.0.113.99")).ShouldBe(["DR-LAPTOP"]);
        (await SearchAsync(admin, "tag:kiosk")).ShouldBe(["RECEPTION-01"]);
        (await SearchAsync(admin, "site:ACME-TUC")).ShouldBe(["FILESRV"]);
        (await SearchAsync(admin, "site:acme-tuc office")).ShouldBe(["FILESRV"]);
        (await SearchAsync(admin, "site:\"Phoenix North\"")).ShouldBe(["RECEPTION-01"]);
        (await SearchAsync(admin, "company:bright")).ShouldBe(["DR-LAPTOP"]);
        (await SearchAsync(admin, "version:0.0")).ShouldBeEmpty();
        // A scope does not leak into other fields: "jsmith" is a user, not a hostname.
        (await SearchAsync(admin, "host:jsmith")).ShouldBeEmpty();
        (await SearchAsync(admin, "os:phoenix")).ShouldBeEmpty();
    }

    [Theory, MemberData(nameof(Databases.Both), MemberType = typeof(Databases))]
    public async Task Unscoped_terms_search_every_attribute_case_insensitively(DbKind db)
    {
        await using var server = await FleetAsync(db);
        using var admin = await server.AdminClientAsync();

        (await SearchAsync(admin, "reception")).ShouldBe(["RECEPTION-01"]);
        (await SearchAsync(admin, "FRONT DESK")).ShouldBe(["RECEPTION-01"]); // two terms, both in the department
        (await SearchAsync(admin, "\"front desk\"")).ShouldBe(["RECEPTION-01"]);
        (await SearchAsync(admin, "sn-hpe")).ShouldBe(["FILESRV"]);
        (await SearchAsync(admin, "aa:bb:cc")).ShouldBe(["FILESRV"]);
        (await SearchAsync(admin, "uid-laptop")).ShouldBe(["DR-LAPTOP"]);
        (await SearchAsync(admin, "lenovo")).ShouldBe(["DR-LAPTOP"]);
        (await SearchAsync(admin, "server")).ShouldBe(["FILESRV"]);
        (await SearchAsync(admin, "100%")).ShouldBeEmpty(); // wildcards are literal
        (await SearchAsync(admin, "_")).ShouldBeEmpty();
    }

    [Theory, MemberData(nameof(Databases.Both), MemberType = typeof(Databases))]
    public async Task Several_terms_are_ANDed(DbKind db)
    {
        await using var server = await FleetAsync(db);
        using var admin = await server.AdminClientAsync();

        (await SearchAsync(admin, "dental")).ShouldBe(["FILESRV", "RECEPTION-01"]);
        (await SearchAsync(admin, "dental os:windows")).ShouldBe(["RECEPTION-01"]);
        (await SearchAsync(admin, "smiles tag:vip")).ShouldBe(["DR-LAPTOP"]);
        (await SearchAsync(admin, "dental tag:vip")).ShouldBeEmpty();
        (await SearchAsync(admin, "acme os:windows")).ShouldBe(["DR-LAPTOP", "RECEPTION-01"]); // both at ACME-* sites
        (await SearchAsync(admin, "front desk")).ShouldBe(["RECEPTION-01"]);
    }

    [Fact]
    public void Terms_split_on_whitespace_and_keep_quoted_phrases()
    {
        MachineSearch.ParseTerms("  os:win  \"front desk\" site:\"Phoenix North\" ").ToList()
            .ShouldBe(["os:win", "front desk", "site:Phoenix North"]);
    }
}
