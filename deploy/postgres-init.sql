-- Each service owns its database.
CREATE DATABASE matching OWNER lingong;
