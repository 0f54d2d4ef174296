"""What a new local session starts with, checked without starting one."""

from __future__ import annotations

from prodi.runtime.session import driver_java_options


def test_a_users_driver_java_options_are_kept_beside_prodis_log4j() -> None:
    options = driver_java_options({"spark.driver.extraJavaOptions": "-Xss8m -Dmy.flag=1"})
    assert options.startswith("-Xss8m -Dmy.flag=1 -Dlog4j2.configurationFile=file:")
    assert options.endswith("log4j2.properties")


def test_without_them_only_the_log4j_configuration() -> None:
    assert driver_java_options({}).split(" ") == [driver_java_options({})]
    assert driver_java_options({}).startswith("-Dlog4j2.configurationFile=file:")
